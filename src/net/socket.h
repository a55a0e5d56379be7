// Non-blocking TCP sockets: address resolution, client connect, server listen/accept.
// Resolution may block (getaddrinfo) and belongs in set-up code, never on a loop's hot path.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace ragscale::net {

// A resolved TCP address.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string host;  // as given, for messages
  uint16_t port = 0;

  std::string to_string() const;
};

// Resolves host:port (IPv4 or IPv6). Throws std::runtime_error with a message that
// names the host on failure.
SocketAddress resolve(const std::string& host, uint16_t port);

// Starts a non-blocking connect, from `source` when given (its port is left to the
// kernel, chosen at connect time). Returns the socket (connect may still be in progress:
// wait for EPOLLOUT and check connect_error()), or -1 with errno set.
int start_connect(const SocketAddress& address, const SocketAddress* source = nullptr);

// The pending error of a socket after a non-blocking connect (0 when connected).
int connect_error(int fd);

// A listening, non-blocking socket. With reuse_port, several sockets (one per loop
// thread) can share the port and the kernel spreads connections between them.
// Throws std::runtime_error naming the address on failure (e.g. port in use).
int listen_tcp(const SocketAddress& address, bool reuse_port, int backlog = 4096);

// The port a listening socket is bound to (useful after binding port 0).
uint16_t local_port(int fd);

// Makes close() send a reset (SO_LINGER 0) instead of an orderly FIN: the peer learns at
// once that nobody will read its answer.
void reset_on_close(int fd);

// The IP address of a connected socket's peer ("127.0.0.1", "::1"); empty if unknown.
std::string peer_address(int fd);

// Accepts one connection as a non-blocking socket with TCP_NODELAY; -1 with errno when none.
int accept_connection(int listen_fd);

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace ragscale::net
