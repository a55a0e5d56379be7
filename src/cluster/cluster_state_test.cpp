#include "cluster/cluster_state.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace ragscale::cluster {

TEST(ClusterState, ReadsBackWhatItWrites) {
  char pattern[] = "/tmp/ragscale-state-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  ClusterState state;
  state.spec.dir = pattern;
  state.spec.replicas = 2;
  state.spec.port = 18300;
  state.spec.sim = true;
  state.spec.serve_args = {"--workers", "2"};
  state.spec.sim_args = {"--max-concurrency=256"};
  state.keeper_pid = 4242;
  state.phase = "running";
  state.desired_replicas = 2;
  state.applied_request = 7;
  ClusterProcess replica;
  replica.role = "replica";
  replica.name = "replica-1";
  replica.slot = 1;
  replica.port = 18310;
  replica.pid = 4300;
  replica.url = "http://127.0.0.1:18310";
  replica.state = "ready";
  replica.restarts = 1;
  state.processes.push_back(replica);
  write_state(state);

  std::string error;
  auto read = read_state(pattern, error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->spec.dir, pattern);
  EXPECT_EQ(read->spec.replicas, 2);
  EXPECT_EQ(read->spec.port, 18300);
  EXPECT_TRUE(read->spec.sim);
  EXPECT_EQ(read->spec.serve_args, state.spec.serve_args);
  EXPECT_EQ(read->spec.sim_args, state.spec.sim_args);
  EXPECT_EQ(read->keeper_pid, 4242);
  EXPECT_EQ(read->phase, "running");
  EXPECT_EQ(read->applied_request, 7u);
  ASSERT_EQ(read->processes.size(), 1u);
  EXPECT_EQ(read->processes[0].name, "replica-1");
  EXPECT_EQ(read->processes[0].slot, 1);
  EXPECT_EQ(read->processes[0].pid, 4300);
  EXPECT_EQ(read->processes[0].restarts, 1);

  write_scale_request(pattern, {5, 8});
  auto request = read_scale_request(pattern);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->replicas, 5);
  EXPECT_EQ(request->id, 8u);
  std::filesystem::remove_all(pattern);
}

TEST(ClusterState, AMissingOrMalformedRecordIsSaidPlainly) {
  std::string error;
  EXPECT_FALSE(read_state("/nonexistent-ragscale-cluster", error));
  EXPECT_NE(error.find("no cluster in /nonexistent-ragscale-cluster"), std::string::npos) << error;
  EXPECT_NE(error.find("ragscale cluster up --dir"), std::string::npos) << error;
  EXPECT_FALSE(state_from_json("{\"phase\": \"running\"}", error));
  EXPECT_NE(error.find("not a cluster record"), std::string::npos);
  EXPECT_FALSE(state_from_json("[[[", error));
  EXPECT_NE(error.find("not JSON"), std::string::npos);
  EXPECT_FALSE(read_scale_request("/nonexistent-ragscale-cluster"));
}

}  // namespace ragscale::cluster
