// SourceAddressPool: which local address a new client connection binds to.
//
// Why: the kernel picks a connection's source port by scanning the ephemeral range for
// one whose (source, destination) pair is free, trying even ports first. Past about
// 14,000 connections from one address to one destination the even ports are used up and
// every connect() scans the whole half-range first: at 15,000 users that costs a
// generator thread hundreds of milliseconds, which would show up as latency. Spreading
// connections over several source addresses gives each its own port space.
//
// - Explicit addresses (`--local-ips`, as k6 spells it) are used round robin.
// - Without them, connections to an IPv4 loopback destination stay on the default
//   source for the first kConnectionsPerLoopbackSource and then move to 127.0.0.2,
//   127.0.0.3, ... (the whole 127/8 is local). Other destinations use the default.
// Thread-safe: workers on several threads draw from one pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/socket.h"

namespace ragscale::net {

class SourceAddressPool {
 public:
  static constexpr uint64_t kConnectionsPerLoopbackSource = 10000;

  SourceAddressPool(const SocketAddress& destination, std::vector<SocketAddress> explicit_sources);

  // The address the next connection binds to, or nullopt for the kernel's default.
  std::optional<SocketAddress> next();

 private:
  std::vector<SocketAddress> explicit_sources_;
  bool loopback_ipv4_ = false;
  std::atomic<uint64_t> handed_out_{0};
};

// Parses k6's --local-ips syntax: comma-separated addresses and IPv4 ranges,
// e.g. "10.0.0.1,10.0.0.5-10.0.0.9". Throws std::invalid_argument naming the bad part.
std::vector<SocketAddress> parse_local_addresses(const std::string& text);

}  // namespace ragscale::net
