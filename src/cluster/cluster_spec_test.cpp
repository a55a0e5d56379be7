#include "cluster/cluster_spec.h"

#include <gtest/gtest.h>

namespace ragscale::cluster {

namespace {

ClusterSpec valid() {
  ClusterSpec spec;
  spec.dir = "/tmp/ragscale-cluster";
  spec.port = 18200;
  return spec;
}

}  // namespace

TEST(ClusterSpec, PortsSitAtFixedOffsetsFromTheBalancers) {
  ClusterSpec spec = valid();
  EXPECT_EQ(spec.stats_port(), 18201);
  EXPECT_EQ(spec.postgres_port(), 18202);
  EXPECT_EQ(spec.redis_port(), 18203);
  EXPECT_EQ(spec.sim_port(), 18204);
  EXPECT_EQ(spec.replica_port(1), 18210);
  EXPECT_EQ(spec.replica_port(3), 18212);
  EXPECT_EQ(spec.store_url(), "postgres://ragscale@127.0.0.1:18202/ragscale");
  EXPECT_EQ(spec.cache_url(), "redis://127.0.0.1:18203");
  EXPECT_EQ(spec.model_url(), "");
  spec.sim = true;
  EXPECT_EQ(spec.model_url(), "http://127.0.0.1:18204");
  spec.sim = false;
  spec.llm_url = "http://127.0.0.1:9000";
  EXPECT_EQ(spec.model_url(), "http://127.0.0.1:9000");
}

TEST(ClusterSpec, ProblemsSayWhatToChange) {
  EXPECT_EQ(spec_problem(valid()), "");
  auto problem = [](auto change) {
    ClusterSpec spec = valid();
    change(spec);
    return spec_problem(spec);
  };
  EXPECT_NE(problem([](ClusterSpec& s) { s.replicas = 0; }).find("--replicas must be between 1"), std::string::npos);
  EXPECT_NE(problem([](ClusterSpec& s) { s.replicas = 17; }).find("--max-replicas (16)"), std::string::npos);
  EXPECT_NE(problem([](ClusterSpec& s) { s.port = 65530; }).find("leaves no room"), std::string::npos);
  EXPECT_NE(problem([](ClusterSpec& s) { s.dir = "relative"; }).find("absolute"), std::string::npos);
  EXPECT_NE(problem([](ClusterSpec& s) {
              s.sim = true;
              s.llm_url = "http://x";
            }).find("give one"),
            std::string::npos);
  EXPECT_NE(problem([](ClusterSpec& s) { s.llm_url = "ftp://x"; }).find("http:// or https://"), std::string::npos);
}

}  // namespace ragscale::cluster
