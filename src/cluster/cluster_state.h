// ClusterState: the record of a running cluster in DIR/cluster.json — its spec, the
// keeper process that owns every other process, and each process (role, name, pid, URL,
// log). The keeper writes it (atomically: a temporary file renamed over the old one) at
// every change; `cluster status`, `scale` and `down` read it. A scale request is a
// second, smaller file the command writes and the keeper reads (DIR/scale-request.json),
// so each file has one writer.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster_spec.h"

namespace ragscale::cluster {

struct ClusterProcess {
  std::string role;  // postgres, redis, sim, balancer, replica
  std::string name;  // e.g. replica-2
  int slot = 0;      // replicas: their HAProxy slot (1..max_replicas)
  int port = 0;
  pid_t pid = 0;     // 0 while not running
  std::string url;
  std::string log;
  std::string state;  // starting, ready, draining, restarting, stopped
  int restarts = 0;
};

struct ClusterState {
  ClusterSpec spec;
  pid_t keeper_pid = 0;
  std::string phase;    // starting, running, stopping, stopped, failed
  std::string message;  // why it failed, or what it is doing
  int desired_replicas = 0;
  uint64_t applied_request = 0;  // the last scale request carried out
  std::string started_at;        // RFC 3339
  std::vector<ClusterProcess> processes;
};

struct ScaleRequest {
  int replicas = 0;
  uint64_t id = 0;
};

std::string state_path(const std::string& dir);
std::string scale_request_path(const std::string& dir);

std::string state_to_json(const ClusterState& state);
// nullopt with `error` set when the text is not a cluster record.
std::optional<ClusterState> state_from_json(const std::string& text, std::string& error);

void write_state(const ClusterState& state);  // throws std::runtime_error when it cannot
// nullopt with `error` saying why (no cluster in DIR, unreadable, malformed).
std::optional<ClusterState> read_state(const std::string& dir, std::string& error);

void write_scale_request(const std::string& dir, const ScaleRequest& request);
std::optional<ScaleRequest> read_scale_request(const std::string& dir);

// Writes `text` to `path` through a temporary file renamed over it.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace ragscale::cluster
