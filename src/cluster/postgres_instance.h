// The cluster's private PostgreSQL: Debian's server binaries, a data folder under
// DIR/postgres initialized once (initdb: superuser ragscale, trust on loopback, UTF-8),
// listening on 127.0.0.1 only with its socket in DIR/postgres, and the database
// "ragscale" the replicas share. PostgreSQL refuses to run as root, so as root the
// server runs as the postgres user Debian's package creates, over a folder it owns.
#pragma once

#include <string>
#include <vector>

#include "cluster/cluster_spec.h"

namespace ragscale::cluster {

// Debian's PostgreSQL server binaries (the newest /usr/lib/postgresql/N/bin); empty when
// none is installed.
std::string postgres_binaries();
// The user the server runs as: "postgres" when we are root, else ourselves ("").
std::string postgres_user();
// Empty when the server can run in spec.dir; otherwise what to fix. As root this also
// makes DIR searchable for the postgres user.
std::string postgres_problem(const ClusterSpec& spec);
// Creates and initializes the data folder unless it already is one (kept across
// down/up). Throws std::runtime_error naming the log when initdb fails.
void initialize_postgres(const ClusterSpec& spec, const std::string& log);
std::vector<std::string> postgres_argv(const ClusterSpec& spec);
// True once the server accepts connections; then the ragscale database exists.
bool postgres_ready(const ClusterSpec& spec);

}  // namespace ragscale::cluster
