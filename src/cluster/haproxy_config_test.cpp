#include "cluster/haproxy_config.h"

#include <gtest/gtest.h>

namespace ragscale::cluster {

TEST(HaproxyConfig, BalancesReplicaSlotsByLeastConnectionsWithChecksAndRetries) {
  ClusterSpec spec;
  spec.dir = "/srv/cluster";
  spec.port = 18200;
  spec.max_replicas = 8;
  const std::string config = haproxy_config(spec, 5000);
  for (const char* expected :
       {"maxconn 5000", "stats socket /srv/cluster/haproxy/admin.sock mode 600 level admin", "bind 127.0.0.1:18200",
        "balance leastconn", "http-check send meth GET uri /ready", "http-check expect status 200",
        "check inter 500ms", "fall 2", "on-error mark-down", "server-template replica 1-8 127.0.0.1:9 disabled",
        "option redispatch", "retry-on conn-failure empty-response response-timeout",
        "http-request disable-l7-retry if { path_beg /api/v1/documents } !METH_GET", "bind 127.0.0.1:18201",
        "use-service prometheus-exporter if { path /metrics }", "stats uri /"}) {
    EXPECT_NE(config.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(haproxy_server_name(3), "replica3");
}

TEST(HaproxyConfig, ConnectionsFitTheOpenFilesLimit) {
  const int connections = haproxy_max_connections();
  EXPECT_GE(connections, 100);
  EXPECT_LE(connections, 20000);
}

}  // namespace ragscale::cluster
