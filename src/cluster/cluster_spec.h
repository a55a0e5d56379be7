// ClusterSpec: what `ragscale cluster up` was asked for — the folder, the replica count,
// the balancer's port, the model backend — and the layout derived from it: every port
// and path of the cluster's processes. The ports sit at fixed offsets from the
// balancer's (--port), so a cluster's addresses are predictable and written down once
// in DIR/cluster.json.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ragscale::cluster {

struct ClusterSpec {
  std::string dir;  // absolute
  int replicas = 3;
  int max_replicas = 16;  // HAProxy slots; `cluster scale` may go up to this
  int port = 8080;        // the balancer
  std::string llm_url;    // the model backend given (empty: the sim, or the extractive generator)
  bool sim = false;       // start ragscale sim as the model backend
  std::string redis_memory = "256mb";
  std::vector<std::string> serve_args;  // passed to every replica
  std::vector<std::string> sim_args;

  int stats_port() const { return port + 1; }  // HAProxy's stats page and Prometheus endpoint
  int postgres_port() const { return port + 2; }
  int redis_port() const { return port + 3; }
  int sim_port() const { return port + 4; }
  int replica_port(int slot) const { return port + 10 + (slot - 1); }  // slot 1..max_replicas

  std::string path(std::string_view relative) const { return dir + "/" + std::string(relative); }
  std::string store_url() const {
    return "postgres://ragscale@127.0.0.1:" + std::to_string(postgres_port()) + "/ragscale";
  }
  std::string cache_url() const { return "redis://127.0.0.1:" + std::to_string(redis_port()); }
  // The model backend the replicas call: --llm-url, else the sim's, else none.
  std::string model_url() const {
    if (!llm_url.empty()) return llm_url;
    return sim ? "http://127.0.0.1:" + std::to_string(sim_port()) : std::string();
  }
  std::string balancer_url() const { return "http://127.0.0.1:" + std::to_string(port); }
  std::string stats_url() const { return "http://127.0.0.1:" + std::to_string(stats_port()) + "/"; }
  std::string prometheus_url() const { return "http://127.0.0.1:" + std::to_string(stats_port()) + "/metrics"; }
};

// Empty when the spec can run; otherwise what is wrong and how to fix it.
std::string spec_problem(const ClusterSpec& spec);

}  // namespace ragscale::cluster
