// The HAProxy configuration of a cluster: one frontend on --port balancing the replicas
// by least connections, health checks of each replica's /ready every 500 ms (down after
// two failures or at the first refused connection), retries elsewhere when a connection
// fails or a replica dies under a request (except for uploads, which are not safe to send
// twice), its stats page and Prometheus endpoint on --port + 1, and an admin socket
// through which the keeper places replicas in the backend's slots as they come and go.
#pragma once

#include <string>

#include "cluster/cluster_spec.h"

namespace ragscale::cluster {

inline constexpr const char* kBackend = "replicas";

// `max_connections`: HAProxy's maxconn; it needs two descriptors per connection, so the
// keeper gives it what the open-files limit allows (haproxy_max_connections()).
std::string haproxy_config(const ClusterSpec& spec, int max_connections);
int haproxy_max_connections();
std::string haproxy_socket_path(const ClusterSpec& spec);
// The backend server name of a slot: replica1, replica2, …
std::string haproxy_server_name(int slot);

}  // namespace ragscale::cluster
