#include "cluster/cluster_spec.h"

namespace ragscale::cluster {

std::string spec_problem(const ClusterSpec& spec) {
  if (spec.dir.empty() || spec.dir.front() != '/') return "the cluster folder must be an absolute path";
  if (spec.max_replicas < 1 || spec.max_replicas > 256) return "--max-replicas must be between 1 and 256";
  if (spec.replicas < 1 || spec.replicas > spec.max_replicas) {
    return "--replicas must be between 1 and --max-replicas (" + std::to_string(spec.max_replicas) + ")";
  }
  if (spec.port < 1 || spec.replica_port(spec.max_replicas) > 65535) {
    return "--port " + std::to_string(spec.port) + " leaves no room for the cluster's ports (it uses --port to --port + " +
           std::to_string(10 + spec.max_replicas - 1) + "); choose a port between 1024 and " +
           std::to_string(65535 - 10 - spec.max_replicas + 1);
  }
  if (spec.sim && !spec.llm_url.empty()) return "--sim and --llm-url both name the model backend; give one";
  if (!spec.llm_url.empty() && spec.llm_url.rfind("http://", 0) != 0 && spec.llm_url.rfind("https://", 0) != 0) {
    return "--llm-url must start with http:// or https:// (got '" + spec.llm_url + "')";
  }
  return {};
}

}  // namespace ragscale::cluster
