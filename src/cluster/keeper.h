// The keeper: the one long-lived process of a local cluster, parent of all the others.
// `cluster up` forks it into a session of its own; it starts PostgreSQL, Redis, the sim
// (optionally), HAProxy and the replicas in that order, each when the one before answers,
// and then keeps them: a process that dies is started again (with backoff; a replica
// rejoins the balancer once its /ready says so), a scale request adds replicas or drains
// them out of HAProxy before stopping them, and SIGTERM stops everything in reverse order.
// It reaps every child (and, as a subreaper, every orphaned grandchild), so nothing it
// started is left behind as a zombie. DIR/cluster.json records every change.
#pragma once

#include <string>

#include "cluster/cluster_spec.h"

namespace ragscale::cluster {

// Runs the keeper in this (forked, single-threaded) process. Progress lines ("postgres
// ready") and the outcome of the start ("ok", or "error: why") are written to
// `report_fd`, which is closed once the cluster runs. Returns the process exit code.
int run_keeper(const ClusterSpec& spec, const std::string& binary, int report_fd);

}  // namespace ragscale::cluster
