#include "net/source_addresses.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <stdexcept>

namespace ragscale::net {

namespace {

SocketAddress ipv4_address(uint32_t host_order) {
  SocketAddress address;
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(host_order);
  std::memcpy(&address.storage, &in, sizeof in);
  address.length = sizeof in;
  char text[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
  address.host = text;
  return address;
}

std::optional<SocketAddress> parse_one(const std::string& text) {
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return ipv4_address(ntohl(v4.s_addr));
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    SocketAddress address;
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_addr = v6;
    std::memcpy(&address.storage, &in6, sizeof in6);
    address.length = sizeof in6;
    address.host = text;
    return address;
  }
  return std::nullopt;
}

}  // namespace

SourceAddressPool::SourceAddressPool(const SocketAddress& destination, std::vector<SocketAddress> explicit_sources)
    : explicit_sources_(std::move(explicit_sources)) {
  if (destination.storage.ss_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, &destination.storage, sizeof in);
    loopback_ipv4_ = (ntohl(in.sin_addr.s_addr) >> 24) == 127;
  }
}

std::optional<SocketAddress> SourceAddressPool::next() {
  uint64_t n = handed_out_.fetch_add(1, std::memory_order_relaxed);
  if (!explicit_sources_.empty()) return explicit_sources_[n % explicit_sources_.size()];
  if (!loopback_ipv4_) return std::nullopt;
  uint64_t block = n / kConnectionsPerLoopbackSource;
  if (block == 0) return std::nullopt;
  // 127.0.0.2 upwards; wrap inside 127.0.0.0/16 long before leaving 127/8.
  return ipv4_address((127u << 24) | static_cast<uint32_t>(1 + block % 65000));
}

std::vector<SocketAddress> parse_local_addresses(const std::string& text) {
  std::vector<SocketAddress> addresses;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (part.empty()) throw std::invalid_argument("--local-ips '" + text + "': empty entry; separate addresses by single commas");
    size_t dash = part.find('-');
    if (dash == std::string::npos) {
      auto address = parse_one(part);
      if (!address) throw std::invalid_argument("--local-ips: '" + part + "' is not an IPv4 or IPv6 address");
      addresses.push_back(*address);
      continue;
    }
    in_addr first{}, last{};
    std::string low = part.substr(0, dash), high = part.substr(dash + 1);
    if (::inet_pton(AF_INET, low.c_str(), &first) != 1 || ::inet_pton(AF_INET, high.c_str(), &last) != 1 ||
        ntohl(first.s_addr) > ntohl(last.s_addr)) {
      throw std::invalid_argument("--local-ips: '" + part +
                                  "' is not an IPv4 range; write it as FIRST-LAST, e.g. 10.0.0.1-10.0.0.9");
    }
    for (uint32_t a = ntohl(first.s_addr);; ++a) {
      addresses.push_back(ipv4_address(a));
      if (a == ntohl(last.s_addr)) break;
    }
  }
  return addresses;
}

}  // namespace ragscale::net
