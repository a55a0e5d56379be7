#include "cluster/probes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace ragscale::cluster {

namespace {

using Clock = std::chrono::steady_clock;

int left_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// A connected non-blocking socket, or -1 when the connect did not finish in time.
int connect_within(int family, const sockaddr* address, socklen_t length, Clock::time_point deadline) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, address, length) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      ::close(fd);
      return -1;
    }
    pollfd descriptor{fd, POLLOUT, 0};
    int error = 0;
    socklen_t size = sizeof error;
    if (::poll(&descriptor, 1, left_ms(deadline)) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 ||
        error != 0) {
      ::close(fd);
      return -1;
    }
  }
  return fd;
}

int connect_loopback(int port, Clock::time_point deadline) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return connect_within(AF_INET, reinterpret_cast<sockaddr*>(&address), sizeof address, deadline);
}

bool send_all(int fd, const std::string& data, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    pollfd descriptor{fd, POLLOUT, 0};
    if (::poll(&descriptor, 1, left_ms(deadline)) != 1) return false;
  }
  return true;
}

// Reads until the peer closes, `done(text)` holds, or the deadline passes.
template <typename Done>
std::string receive(int fd, Clock::time_point deadline, Done done) {
  std::string text;
  char buffer[8192];
  while (!done(text)) {
    pollfd descriptor{fd, POLLIN, 0};
    if (::poll(&descriptor, 1, left_ms(deadline)) != 1) break;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

int http_status(int port, const std::string& path, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int fd = connect_loopback(port, deadline);
  if (fd < 0) return 0;
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nConnection: close\r\n\r\n";
  int status = 0;
  if (send_all(fd, request, deadline)) {
    std::string head = receive(fd, deadline, [](const std::string& text) { return text.find("\r\n") != std::string::npos; });
    // "HTTP/1.1 200 OK"
    if (head.rfind("HTTP/1.", 0) == 0 && head.size() >= 12) status = std::atoi(head.c_str() + 9);
  }
  ::close(fd);
  return status;
}

bool redis_answers(int port, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int fd = connect_loopback(port, deadline);
  if (fd < 0) return false;
  bool ok = false;
  if (send_all(fd, "PING\r\n", deadline)) {
    ok = receive(fd, deadline, [](const std::string& text) { return text.find("\r\n") != std::string::npos; })
             .rfind("+PONG", 0) == 0;
  }
  ::close(fd);
  return ok;
}

bool port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as servers bind: TIME_WAIT is no obstacle
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

std::string unix_socket_exchange(const std::string& path, const std::string& command, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = connect_within(AF_UNIX, reinterpret_cast<sockaddr*>(&address), sizeof address, deadline);
  if (fd < 0) throw std::runtime_error("cannot reach " + path + ": " + std::strerror(errno));
  std::string answer;
  if (send_all(fd, command + "\n", deadline)) {
    answer = receive(fd, deadline, [](const std::string&) { return false; });
  }
  ::close(fd);
  return answer;
}

}  // namespace ragscale::cluster
