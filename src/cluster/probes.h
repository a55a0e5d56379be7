// Small blocking probes of the cluster's processes over loopback, each bounded by a
// timeout: an HTTP GET's status, a Redis PING, whether a port is free to listen on, and a
// line-oriented exchange over a Unix socket (HAProxy's runtime API). Blocking is right
// here: the keeper and the cluster commands are single-threaded control programs.
#pragma once

#include <string>

namespace ragscale::cluster {

// The status of GET `path` on 127.0.0.1:`port`; 0 when there is no answer in time.
int http_status(int port, const std::string& path, int timeout_ms = 1000);
// True when a Redis on 127.0.0.1:`port` answers PING.
bool redis_answers(int port, int timeout_ms = 1000);
// True when nothing listens on 127.0.0.1:`port` and it can be bound.
bool port_free(int port);
// Sends `command` (a newline is added) to the Unix socket at `path` and returns all it
// answers until it closes; throws std::runtime_error when the socket cannot be reached.
std::string unix_socket_exchange(const std::string& path, const std::string& command, int timeout_ms = 2000);

}  // namespace ragscale::cluster
