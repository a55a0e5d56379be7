#include "cluster/haproxy_config.h"

#include <sys/resource.h>

#include <algorithm>

namespace ragscale::cluster {

std::string haproxy_socket_path(const ClusterSpec& spec) { return spec.path("haproxy/admin.sock"); }

std::string haproxy_server_name(int slot) { return "replica" + std::to_string(slot); }

int haproxy_max_connections() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 20000;
  return static_cast<int>(std::clamp<rlim_t>((limit.rlim_cur - 200) / 2, 100, 20000));
}

std::string haproxy_config(const ClusterSpec& spec, int max_connections) {
  const std::string port = std::to_string(spec.port);
  const std::string stats = std::to_string(spec.stats_port());
  const std::string slots = std::to_string(spec.max_replicas);
  return "# Written by ragscale cluster up; rewritten at every start.\n"
         "global\n"
         "    maxconn " + std::to_string(max_connections) + "\n"
         "    stats socket " + haproxy_socket_path(spec) + " mode 600 level admin\n"
         "    stats timeout 10s\n"
         "    # Short requests first when tasks wait: a cached answer must not queue behind bulk I/O.\n"
         "    tune.sched.low-latency on\n"
         "\n"
         "defaults\n"
         "    mode http\n"
         "    timeout connect 1s\n"
         "    timeout client 2m\n"
         "    timeout server 2m\n"
         "    timeout http-keep-alive 2m\n"
         "    timeout queue 10s\n"
         "    # A request whose connection fails, or whose replica dies before answering,\n"
         "    # goes to another replica (redispatch) instead of failing.\n"
         "    retries 3\n"
         "    option redispatch 1\n"
         "    retry-on conn-failure empty-response response-timeout\n"
         "\n"
         "frontend rag\n"
         "    bind 127.0.0.1:" + port + "\n"
         "    # Uploads and deletes change documents: resent only when no replica saw them.\n"
         "    http-request disable-l7-retry if { path_beg /api/v1/documents } !METH_GET\n"
         "    default_backend " + kBackend + "\n"
         "\n"
         "backend " + kBackend + "\n"
         "    balance leastconn\n"
         "    option httpchk\n"
         "    http-check send meth GET uri /ready\n"
         "    http-check expect status 200\n"
         "    # Checked every 500 ms; two failed checks, or one refused connection under a\n"
         "    # request (observe layer4), take a replica out at once.\n"
         "    default-server check inter 500ms fastinter 250ms downinter 1s fall 2 rise 1 "
         "observe layer4 error-limit 1 on-error mark-down\n"
         "    # Slots the keeper fills through the admin socket as replicas start and stop.\n"
         "    server-template replica 1-" + slots + " 127.0.0.1:9 disabled\n"
         "\n"
         "frontend stats\n"
         "    bind 127.0.0.1:" + stats + "\n"
         "    http-request use-service prometheus-exporter if { path /metrics }\n"
         "    stats enable\n"
         "    stats uri /\n"
         "    stats refresh 2s\n";
}

}  // namespace ragscale::cluster
