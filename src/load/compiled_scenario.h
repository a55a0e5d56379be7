// CompiledScenario: one worker thread's ready-to-run view of a Scenario. Each step has
// its stats endpoint id (ids belong to the worker's StatsShard) and, when nothing in it
// varies, its request bytes serialized once, so the hot path of a static request is a
// send() of prepared bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "load/scenario/scenario.h"
#include "net/socket.h"
#include "net/source_addresses.h"
#include "stats/stats_shard.h"

namespace ragscale::load {

// Where a user class sends its requests, resolved once before the run.
struct ResolvedTarget {
  net::SocketAddress address;
  std::string host_header;
  // https: connections speak TLS, with this name for SNI and the certificate check.
  bool tls = false;
  std::string tls_server_name;
  // Shared by every target with the same address (they share the kernel's port space).
  std::shared_ptr<net::SourceAddressPool> sources;
};

struct CompiledStep {
  const scenario::RequestSpec* spec = nullptr;
  std::string static_bytes;  // non-empty when spec->is_static()
  uint32_t endpoint_id = 0;
  bool needs_body = false;
  bool head_request = false;
};

struct CompiledTask {
  const scenario::Task* task = nullptr;
  std::vector<CompiledStep> steps;
};

struct CompiledClass {
  const scenario::UserClass* spec = nullptr;
  const ResolvedTarget* target = nullptr;
  std::vector<CompiledStep> on_start;
  std::vector<CompiledTask> tasks;
};

struct CompiledScenario {
  std::vector<CompiledClass> classes;
  // Deterministic class order for user k (after the fixed-count users): a smooth
  // weighted round robin, so 3:1 weights give A A B A, not A A A B.
  std::vector<uint32_t> class_pattern;
  std::vector<std::pair<uint32_t, uint64_t>> fixed;  // (class, count), spawned first

  // The class of the user with this global index.
  uint32_t class_of(uint64_t user_index) const;
};

// targets[i] belongs to scenario.users[i].
CompiledScenario compile_scenario(const scenario::Scenario& scenario, const std::vector<ResolvedTarget>& targets,
                                  StatsShard& shard);

}  // namespace ragscale::load
