// The HTTP server against raw sockets: hostile and sloppy clients, limits and timers.
#include "http/server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace ragscale::http {
namespace {

using namespace std::chrono_literals;

// A blocking client socket with bounded waits.
class RawClient {
 public:
  // With connect_now false, the socket exists but connect() is up to the caller.
  explicit RawClient(uint16_t port, int receive_buffer = 0, bool connect_now = true)
      : address_(net::resolve("127.0.0.1", port)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    if (connect_now) connect();
  }

  bool connect() {
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address_.storage), address_.length) == 0;
    return connected_;
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads until `done(received)` holds, the peer closes, or `limit` passes.
  std::string read_until(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(received_) && !eof_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[65536];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        eof_ = true;
        reset_ = n < 0;
        break;
      }
      received_.append(buffer, static_cast<size_t>(n));
    }
    return received_;
  }

  // One complete response with a Content-Length body (or none, as for HEAD); removes it
  // from the received bytes and returns it, or "" on timeout.
  std::string read_response(std::chrono::milliseconds limit = 2000ms, bool head_only = false) {
    std::string response;
    read_until(
        [&](const std::string& bytes) {
          size_t end = bytes.find("\r\n\r\n");
          if (end == std::string::npos) return false;
          size_t length = 0;
          size_t at = bytes.find("Content-Length: ");
          if (at != std::string::npos && at < end) length = std::stoul(bytes.substr(at + 16));
          if (bytes.compare(0, 12, "HTTP/1.1 100") == 0 || head_only) length = 0;
          if (bytes.size() < end + 4 + length) return false;
          response = bytes.substr(0, end + 4 + length);
          return true;
        },
        limit);
    if (!response.empty()) received_.erase(0, response.size());
    return response;
  }

  // True when the server closes the connection within `limit` (what was sent before
  // the close stays readable in received()).
  bool closed_within(std::chrono::milliseconds limit) {
    read_until([](const std::string&) { return false; }, limit);
    return eof_;
  }

  const std::string& received() const { return received_; }
  bool was_reset() const { return reset_; }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Closes with a reset (RST) instead of a FIN.
  void reset() {
    linger lin{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
    close();
  }

 private:
  net::SocketAddress address_;
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  bool reset_ = false;
  std::string received_;
};

double process_cpu_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// CPU the whole process burns over `window`: a spinning loop burns all of it.
double cpu_ms_over(std::chrono::milliseconds window) {
  double before = process_cpu_ms();
  std::this_thread::sleep_for(window);
  return process_cpu_ms() - before;
}

// Virtual memory of this process in MB (address space reserved, touched or not).
double virtual_memory_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmSize:", 0) == 0) return std::stod(line.substr(7)) / 1024.0;
  }
  return 0;
}

HttpServer::Options test_options() {
  HttpServer::Options options;
  options.host = "127.0.0.1";
  options.port = 0;
  return options;
}

std::string get(std::string_view path, std::string_view extra_headers = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra_headers) + "\r\n";
}

int status_of(const std::string& response) {
  return response.size() >= 12 ? std::atoi(response.c_str() + 9) : 0;
}

std::string body_of(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

// A handler that keeps each responder for the test to answer later (on its loop).
struct HeldResponders {
  std::mutex mutex;
  std::vector<Responder> held;
  std::vector<std::string> bodies;

  RequestHandler handler() {
    return [this](Request& request, Responder responder) {
      std::lock_guard lock(mutex);
      held.push_back(responder);
      bodies.push_back(request.body);
    };
  }

  size_t count() {
    std::lock_guard lock(mutex);
    return held.size();
  }

  bool wait_for(size_t n, std::chrono::milliseconds limit = 2000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (count() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }

  // Runs `action` with the i-th responder on its loop thread and waits for it.
  template <typename Action>
  auto on_loop(size_t i, Action action) {
    Responder responder;
    {
      std::lock_guard lock(mutex);
      responder = held.at(i);
    }
    using Result = decltype(action(responder));
    std::promise<Result> done;
    responder.loop()->post([&] {
      if constexpr (std::is_void_v<Result>) {
        action(responder);
        done.set_value();
      } else {
        done.set_value(action(responder));
      }
    });
    return done.get_future().get();
  }
};

// Sends GET /slow on `client` and waits until the handler holds its responder.
void send_pending_request(RawClient& client, HeldResponders& responders) {
  size_t before = responders.count();
  ASSERT_TRUE(client.send(get("/slow")));
  ASSERT_TRUE(responders.wait_for(before + 1));
}

// --- 2: the head is judged before the body is read ----------------------------------

HeadPolicy key_policy() {
  return [](const MessageHead& head) {
    HeadDecision decision;
    decision.body_limit = 100 * 1024 * 1024;
    if (head.target == "/private" && head.headers.get("X-Key").value_or("") != "secret") {
      Response refusal;
      refusal.status = 401;
      refusal.headers.add("Content-Type", "application/json");
      refusal.body = "{\"error\":{\"code\":\"unauthorized\",\"message\":\"no key\"}}\n";
      decision.refuse = std::move(refusal);
    }
    return decision;
  };
}

TEST(HttpServer, ARefusedHeadIsAnsweredBeforeItsBodyAndTheConnectionCloses) {
  auto options = test_options();
  options.on_head = key_policy();
  std::atomic<int> handled{0};
  HttpServer server(options, [&](Request&, Responder responder) {
    ++handled;
    responder.send(200, "text/plain", "ok");
  });
  server.start();
  RawClient client(server.port());
  // A 100 MB upload announced, not a byte of it sent: the answer must not wait for it.
  ASSERT_TRUE(client.send("POST /private HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\n"));
  std::string response = client.read_response(1000ms);
  EXPECT_EQ(status_of(response), 401);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_EQ(body_of(response), "{\"error\":{\"code\":\"unauthorized\",\"message\":\"no key\"}}\n");
  // The client may go on sending the body it announced; it is dropped, then we close.
  ASSERT_TRUE(client.send(std::string(100000, 'x')));
  EXPECT_TRUE(client.closed_within(3000ms));
  EXPECT_FALSE(client.was_reset());
  EXPECT_EQ(handled.load(), 0);
  server.shutdown(100ms);
}

TEST(HttpServer, ARefusedHeadWithoutABodyKeepsTheConnection) {
  auto options = test_options();
  options.on_head = key_policy();
  HttpServer server(options, [&](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send(get("/private") + get("/private", "X-Key: secret\r\n")));
  EXPECT_EQ(status_of(client.read_response()), 401);
  std::string second = client.read_response();
  EXPECT_EQ(status_of(second), 200);
  EXPECT_EQ(body_of(second), "ok");
  server.shutdown(100ms);
}

TEST(HttpServer, RequestsCarryTheClientsAddress) {
  HttpServer server(test_options(), [&](Request& request, Responder responder) {
    responder.send(200, "text/plain", request.peer_address);
  });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send(get("/")));
  EXPECT_EQ(body_of(client.read_response()), "127.0.0.1");
  server.shutdown(100ms);
}

TEST(HttpServer, TheHeadPolicySeesTheClientsAddress) {
  auto options = test_options();
  std::string seen;  // written on the loop thread, read after the answer arrived
  options.on_head = [&](const MessageHead& head) {
    seen = head.peer_address;
    return HeadDecision{1024, std::nullopt, {}};
  };
  HttpServer server(options, [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send(get("/")));
  EXPECT_EQ(status_of(client.read_response()), 200);
  EXPECT_EQ(seen, "127.0.0.1");
  server.shutdown(100ms);
}

// The policy's headers go on the answer to the request it accepted, whole or streamed,
// and on no later answer of the same connection.
TEST(HttpServer, HeadersFromTheHeadPolicyGoOnTheAcceptedRequestsAnswerOnly) {
  auto options = test_options();
  options.on_head = [](const MessageHead& head) {
    HeadDecision decision{1024, std::nullopt, {}};
    if (head.target != "/plain") decision.response_headers.add("X-Decided", head.target);
    return decision;
  };
  HttpServer server(options, [](Request& request, Responder responder) {
    if (request.target == "/stream") {
      responder.start_stream(200, "text/plain");
      responder.write("part");
      responder.finish();
    } else {
      responder.send(200, "text/plain", "ok");
    }
  });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send(get("/whole") + get("/plain")));
  std::string whole = client.read_response();
  EXPECT_NE(whole.find("X-Decided: /whole\r\n"), std::string::npos) << whole;
  std::string plain = client.read_response();
  EXPECT_EQ(status_of(plain), 200);
  EXPECT_EQ(plain.find("X-Decided"), std::string::npos) << plain;
  ASSERT_TRUE(client.send(get("/stream")));
  auto ended = [](const std::string& bytes) { return bytes.find("0\r\n\r\n") != std::string::npos; };
  std::string streamed = client.read_until(ended, 2000ms);
  EXPECT_NE(streamed.find("X-Decided: /stream\r\n"), std::string::npos) << streamed;
  server.shutdown(100ms);
}

TEST(HttpServer, APolicyThatThrowsGets500NotACrash) {
  auto options = test_options();
  options.on_head = [](const MessageHead&) -> HeadDecision { throw std::runtime_error("policy broke"); };
  HttpServer server(options, [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send(get("/")));
  std::string response = client.read_response();
  EXPECT_EQ(status_of(response), 500);
  EXPECT_NE(body_of(response).find("policy broke"), std::string::npos);
  server.shutdown(100ms);
}

TEST(HttpServer, AnnouncedBodiesReserveNoMemory) {
  auto options = test_options();
  options.on_head = key_policy();
  options.limits.max_body_bytes_in_flight = 4ull << 30;
  HttpServer server(options, [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  double before = virtual_memory_mb();
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port()));
    ASSERT_TRUE(clients.back()->send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\nabc"));
  }
  std::this_thread::sleep_for(200ms);
  double grown = virtual_memory_mb() - before;
  // Reserving each announced body would take 2,000 MB.
  EXPECT_LT(grown, 200.0);
  EXPECT_EQ(server.open_connections(), 20u);
  server.shutdown(0ms);
}

TEST(HttpServer, BodiesBeyondTheServerWideBudgetGet503WithRetryAfter) {
  auto options = test_options();
  options.limits.max_body_bytes = 1 << 20;
  options.limits.max_body_bytes_in_flight = 1000;
  HttpServer server(options, [](Request& request, Responder responder) {
    responder.send(200, "text/plain", std::to_string(request.body.size()));
  });
  server.start();
  RawClient first(server.port());
  ASSERT_TRUE(first.send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 800\r\n\r\n" + std::string(100, 'a')));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server.body_bytes_in_flight(), 800u);
  RawClient second(server.port());
  ASSERT_TRUE(second.send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 800\r\n\r\n"));
  std::string busy = second.read_response(1000ms);
  EXPECT_EQ(status_of(busy), 503);
  EXPECT_NE(busy.find("Retry-After: 1"), std::string::npos);
  // The first body completes; its budget is returned, so a retry fits.
  ASSERT_TRUE(first.send(std::string(700, 'a')));
  std::string done = first.read_response();
  EXPECT_EQ(status_of(done), 200);
  EXPECT_EQ(body_of(done), "800");
  EXPECT_EQ(server.body_bytes_in_flight(), 0u);
  RawClient retry(server.port());
  ASSERT_TRUE(retry.send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 800\r\n\r\n" + std::string(800, 'b')));
  EXPECT_EQ(status_of(retry.read_response()), 200);
  server.shutdown(100ms);
}

TEST(HttpServer, ABodyOverItsLimitGets413OnTheHead) {
  auto options = test_options();
  options.limits.max_body_bytes = 10;
  HttpServer server(options, [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n"));
  EXPECT_EQ(status_of(client.read_response(1000ms)), 413);
  RawClient chunked(server.port());
  ASSERT_TRUE(chunked.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n"));
  EXPECT_EQ(status_of(chunked.read_response(1000ms)), 413);
  server.shutdown(100ms);
}

// --- 4: a reset while the answer is pending -----------------------------------------

TEST(HttpServer, AResetWhileTheAnswerIsPendingDropsTheConnectionWithoutSpinning) {
  HeldResponders responders;
  HttpServer server(test_options(), responders.handler());
  server.start();
  RawClient client(server.port());
  send_pending_request(client, responders);
  client.reset();
  std::this_thread::sleep_for(50ms);
  EXPECT_LT(cpu_ms_over(300ms), 100.0);  // a spinning loop burns all 300 ms
  EXPECT_FALSE(responders.on_loop(0, [](Responder& r) { return r.alive(); }));
  EXPECT_EQ(server.open_connections(), 0u);
  EXPECT_EQ(server.in_flight_requests(), 0u);
  server.shutdown(100ms);
}

// --- 5: out of file descriptors -----------------------------------------------------

TEST(HttpServer, OutOfDescriptorsTheListenerShedsWith503AndDoesNotSpin) {
  HttpServer server(test_options(), [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  {
    // Served once while descriptors last (this also lets the sanitizers, which need
    // descriptors of their own to check a call, do so before they run out).
    RawClient warm(server.port());
    ASSERT_TRUE(warm.send(get("/")));
    ASSERT_EQ(status_of(warm.read_response()), 200);
  }
  // Its descriptor must be closed before the count below.
  for (int i = 0; i < 200 && server.open_connections() > 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server.open_connections(), 0u);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit lowered = saved;
  lowered.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::vector<int> filler;
  {
    // The clients' sockets exist, then every descriptor left is taken; the kernel
    // completes their handshakes from the backlog, and the server's accept fails with
    // EMFILE.
    RawClient first(server.port(), 0, false);
    RawClient second(server.port(), 0, false);
    for (;;) {
      int fd = ::dup(0);
      if (fd < 0) break;
      filler.push_back(fd);
    }
    bool connected = first.connect() && second.connect();
    double cpu_ms = cpu_ms_over(300ms);
    std::string shed = first.read_response(1000ms);
    std::string shed_second = second.read_response(1000ms);
    // Checked only with descriptors back: a failing check prints, and the sanitizers
    // need descriptors to check that printing.
    for (int fd : filler) ::close(fd);
    filler.clear();
    ASSERT_TRUE(connected);
    EXPECT_LT(cpu_ms, 100.0);  // a spinning listener burns all 300 ms
    EXPECT_EQ(status_of(shed), 503);
    EXPECT_NE(shed.find("Retry-After"), std::string::npos);
    EXPECT_EQ(status_of(shed_second), 503);
  }
  ::setrlimit(RLIMIT_NOFILE, &saved);
  // With descriptors back, connections are served again.
  RawClient after(server.port());
  ASSERT_TRUE(after.send(get("/")));
  EXPECT_EQ(status_of(after.read_response()), 200);
  server.shutdown(100ms);
}

// --- 6: HEAD --------------------------------------------------------------------------

TEST(HttpServer, HeadGetsTheGetHeadersAndNoBodyKeepingTheFramingOfTheNextResponse) {
  HttpServer server(test_options(), [](Request& request, Responder responder) {
    if (request.path() == "/stream") {
      responder.start_stream(200, "text/event-stream");
      responder.write("data: x\n\n");
      responder.finish();
      return;
    }
    responder.send(200, "text/plain", "hello world");
  });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send("HEAD /health HTTP/1.1\r\nHost: t\r\n\r\n" + get("/health")));
  std::string head = client.read_response(2000ms, true);
  EXPECT_EQ(status_of(head), 200);
  EXPECT_NE(head.find("Content-Length: 11\r\n"), std::string::npos);
  std::string get_response = client.read_response();
  EXPECT_EQ(status_of(get_response), 200);
  EXPECT_EQ(body_of(get_response), "hello world");
  // The HEAD answer was exactly its head: the GET response started right after it.
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
  EXPECT_EQ(client.received(), "");

  ASSERT_TRUE(client.send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n" + get("/health")));
  std::string stream_head = client.read_until(
      [](const std::string& bytes) { return bytes.find("hello world") != std::string::npos; }, 2000ms);
  EXPECT_NE(stream_head.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_EQ(stream_head.find("data: x"), std::string::npos);
  size_t second = stream_head.find("HTTP/1.1 200", 5);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(stream_head.substr(second - 4, 4), "\r\n\r\n");
  server.shutdown(100ms);
}

// --- 7: strict parsing on the wire ----------------------------------------------------

TEST(HttpServer, SmugglingShapedRequestsGet400AndTheConnectionCloses) {
  std::atomic<int> handled{0};
  HttpServer server(test_options(), [&](Request&, Responder responder) {
    ++handled;
    responder.send(200, "text/plain", "ok");
  });
  server.start();
  const std::string post = "POST / HTTP/1.1\r\nHost: t\r\n";
  const std::vector<std::string> attacks = {
      post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.1\nHost: t\n\n",
      post + "X-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n",
      post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      post + "X-A: a\x01z\r\nContent-Length: 0\r\n\r\n",
      post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n",
      post + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
  };
  for (const auto& attack : attacks) {
    RawClient client(server.port());
    ASSERT_TRUE(client.send(attack + get("/smuggled")));
    std::string response = client.read_response(1000ms);
    EXPECT_EQ(status_of(response), 400) << attack;
    EXPECT_NE(body_of(response).find("\"error\""), std::string::npos);
    EXPECT_TRUE(client.closed_within(3000ms)) << attack;
    EXPECT_EQ(client.received().find("HTTP/1.1"), std::string::npos) << "a smuggled request was answered: " << attack;
  }
  EXPECT_EQ(handled.load(), 0);
  server.shutdown(100ms);
}

TEST(HttpServer, Http11RequestsWithoutOneHostGet400AndHttp10MayOmitIt) {
  std::atomic<int> handled{0};
  HttpServer server(test_options(), [&](Request&, Responder responder) {
    ++handled;
    responder.send(200, "text/plain", "ok");
  });
  server.start();
  for (const std::string refused : {"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
                                    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                                    "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"}) {
    RawClient client(server.port());
    ASSERT_TRUE(client.send(refused + get("/after")));
    std::string response = client.read_response(1000ms);
    EXPECT_EQ(status_of(response), 400) << refused;
    EXPECT_NE(body_of(response).find("Host"), std::string::npos) << body_of(response);
    EXPECT_TRUE(client.closed_within(3000ms)) << refused;
  }
  EXPECT_EQ(handled.load(), 0);
  RawClient old(server.port());
  ASSERT_TRUE(old.send("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(status_of(old.read_response(1000ms)), 200);
  EXPECT_EQ(handled.load(), 1);
  server.shutdown(100ms);
}

TEST(HttpServer, ChunkedBodiesAndPipelinedRequestsStillWork) {
  HttpServer server(test_options(), [](Request& request, Responder responder) {
    responder.send(200, "text/plain", request.method + " " + request.body);
  });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send(
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;x=y\r\n!\r\n0\r\nT: 1\r\n\r\n"
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" +
      get("/")));
  EXPECT_EQ(body_of(client.read_response()), "POST hello!");
  EXPECT_EQ(body_of(client.read_response()), "POST abc");
  EXPECT_EQ(body_of(client.read_response()), "GET ");
  server.shutdown(100ms);
}

// --- 8: time to drain a response ------------------------------------------------------

TEST(HttpServer, AReaderThatStopsReadingIsDroppedAfterTheWriteTimeout) {
  auto options = test_options();
  options.limits.write_timeout = 300ms;
  options.limits.max_unsent_bytes = 64 << 20;
  HttpServer server(options, [](Request& request, Responder responder) {
    if (request.path() == "/stream") {
      responder.start_stream(200, "text/event-stream");
      responder.write(std::string(8 << 20, 's'));
      return;  // the stream stays open
    }
    responder.send(200, "text/plain", std::string(8 << 20, 'x'));
  });
  server.start();
  RawClient close_client(server.port(), 4096);
  ASSERT_TRUE(close_client.send(get("/big", "Connection: close\r\n")));
  RawClient stream_client(server.port(), 4096);
  ASSERT_TRUE(stream_client.send(get("/stream")));
  // Both are answered (the heads arrive), then neither reads on.
  auto answered = [](const std::string& bytes) { return bytes.find("HTTP/1.1 200") != std::string::npos; };
  EXPECT_TRUE(answered(close_client.read_until(answered, 2000ms)));
  EXPECT_TRUE(answered(stream_client.read_until(answered, 2000ms)));
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.open_connections(), 0u);
  server.shutdown(100ms);
}

TEST(HttpServer, AReaderThatKeepsReadingIsNotCutByTheWriteTimeout) {
  auto options = test_options();
  options.limits.write_timeout = 300ms;
  HttpServer server(options, [](Request&, Responder responder) {
    responder.send(200, "text/plain", std::string(4 << 20, 'x'));
  });
  server.start();
  RawClient client(server.port(), 65536);
  ASSERT_TRUE(client.send(get("/big")));
  // Slow but steady: at most 64 KB every 25 ms, over a second in all, several write
  // timeouts long.
  std::string received;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (received.size() < (4u << 20) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(25ms);
    char buffer[65536];
    ssize_t n = ::recv(client.fd(), buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_GT(received.size(), 4u << 20);
  server.shutdown(100ms);
}

// --- 10: the head timeout starts only once the previous answer is done ---------------

TEST(HttpServer, BytesAfterARequestDoNotCutItsPendingAnswer) {
  auto options = test_options();
  options.limits.head_timeout = 200ms;
  HeldResponders responders;
  HttpServer server(options, responders.handler());
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"));
  ASSERT_TRUE(responders.wait_for(1));
  ASSERT_TRUE(client.send("\r\n"));  // some clients send a CRLF after a POST body
  std::this_thread::sleep_for(600ms);  // three head timeouts
  responders.on_loop(0, [](Responder& r) {
    r.start_stream(200, "text/event-stream");
    r.write("data: a\n\n");
  });
  std::this_thread::sleep_for(400ms);  // a stream longer than the head timeout
  responders.on_loop(0, [](Responder& r) {
    r.write("data: b\n\n");
    r.finish();
  });
  std::string stream = client.read_until(
      [](const std::string& bytes) { return bytes.find("0\r\n\r\n") != std::string::npos; }, 2000ms);
  EXPECT_NE(stream.find("data: a"), std::string::npos);
  EXPECT_NE(stream.find("data: b"), std::string::npos);
  // After the answer the stray CRLF starts no head timeout either; the connection serves on.
  std::this_thread::sleep_for(400ms);
  ASSERT_TRUE(client.send(get("/next")));
  ASSERT_TRUE(responders.wait_for(2));
  responders.on_loop(1, [](Responder& r) { r.send(200, "text/plain", "next"); });
  EXPECT_TRUE(client.read_until([](const std::string& bytes) { return bytes.find("next") != std::string::npos; },
                                2000ms)
                  .find("next") != std::string::npos);
  server.shutdown(100ms);
}

TEST(HttpServer, AnIncompleteHeadIsStillCutByTheHeadTimeout) {
  auto options = test_options();
  options.limits.head_timeout = 200ms;
  HttpServer server(options, [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: t\r\n"));
  EXPECT_TRUE(client.closed_within(1000ms));
  server.shutdown(100ms);
}

// --- 11: the head limit counts the whole head -----------------------------------------

TEST(HttpServer, ManyEmptyHeadersCountAgainstTheHeadLimit) {
  HttpServer server(test_options(), [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  std::string many_empty = "GET / HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 15000; ++i) many_empty += "X:\r\n";
  RawClient client(server.port());
  client.send(many_empty + "\r\n");
  EXPECT_EQ(status_of(client.read_response()), 431);

  std::string many = "GET / HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  RawClient counted(server.port());
  counted.send(many + "\r\n");
  EXPECT_EQ(status_of(counted.read_response()), 431);
  server.shutdown(100ms);
}

// --- 12: Expect: 100-continue ---------------------------------------------------------

TEST(HttpServer, ExpectContinueIsAnsweredOnceTheHeadIsAccepted) {
  auto options = test_options();
  options.on_head = key_policy();
  HttpServer server(options, [](Request& request, Responder responder) {
    responder.send(200, "text/plain", request.body);
  });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send("PUT /private HTTP/1.1\r\nHost: t\r\nX-Key: secret\r\nExpect: 100-continue\r\n"
                          "Content-Length: 5\r\n\r\n"));
  EXPECT_EQ(client.read_response(500ms), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client.send("hello"));
  std::string final_response = client.read_response();
  EXPECT_EQ(status_of(final_response), 200);
  EXPECT_EQ(body_of(final_response), "hello");

  RawClient refused(server.port());
  ASSERT_TRUE(refused.send("PUT /private HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  std::string answer = refused.read_response(500ms);
  EXPECT_EQ(status_of(answer), 401);  // the final status at once, no 100
  EXPECT_TRUE(refused.closed_within(3000ms));
  server.shutdown(100ms);
}

TEST(HttpServer, AnExpectationOtherThanContinueGets417AtOnceAndTheBodyIsNotRead) {
  std::atomic<int> handled{0};
  HttpServer server(test_options(), [&](Request&, Responder responder) {
    ++handled;
    responder.send(200, "text/plain", "ok");
  });
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.send("PUT /x HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n"));
  std::string answer = client.read_response(500ms);
  EXPECT_EQ(answer.substr(0, 29), "HTTP/1.1 417 Expectation Fail");
  EXPECT_NE(body_of(answer).find("expectation_failed"), std::string::npos) << answer;
  EXPECT_TRUE(client.closed_within(3000ms));
  EXPECT_EQ(handled.load(), 0);
  server.shutdown(100ms);
}

// --- memory per connection ------------------------------------------------------------

TEST(HttpServer, InputPipelinedBehindAPendingAnswerIsBounded) {
  HeldResponders responders;
  HttpServer server(test_options(), responders.handler());
  server.start();
  RawClient client(server.port());
  send_pending_request(client, responders);
  // Flood the connection: the server stops reading, so the kernel buffers fill and the
  // sender blocks long before 64 MB are out.
  std::string flood(1 << 20, 'x');
  size_t sent = 0;
  for (int i = 0; i < 64; ++i) {
    ssize_t n = ::send(client.fd(), flood.data(), flood.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  EXPECT_LT(sent, 32u << 20);
  server.shutdown(0ms);
}

// --- /health under attack -----------------------------------------------------------

TEST(HttpServer, HealthAnswersWithinTenMillisecondsWhileAttacksGoOn) {
  auto options = test_options();
  options.on_head = key_policy();
  HeldResponders held;
  HttpServer server(options, [&](Request& request, Responder responder) {
    if (request.path() == "/health") {
      responder.send(200, "application/json", "{\"status\":\"ok\"}\n");
      return;
    }
    held.handler()(request, responder);
  });
  server.start();
  std::vector<std::unique_ptr<RawClient>> attackers;
  for (int i = 0; i < 50; ++i) {  // slow heads
    attackers.push_back(std::make_unique<RawClient>(server.port()));
    attackers.back()->send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ");
  }
  for (int i = 0; i < 20; ++i) {  // huge announced bodies
    attackers.push_back(std::make_unique<RawClient>(server.port()));
    attackers.back()->send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\nabc");
  }
  for (int i = 0; i < 20; ++i) {  // resets with answers pending
    RawClient reset(server.port());
    send_pending_request(reset, held);
    reset.reset();
  }
  for (int i = 0; i < 20; ++i) {  // refused uploads that keep sending
    attackers.push_back(std::make_unique<RawClient>(server.port()));
    attackers.back()->send("POST /private HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\n");
    attackers.back()->send(std::string(64 * 1024, 'x'));
  }
  RawClient health(server.port());
  std::vector<double> latencies;
  for (int i = 0; i < 50; ++i) {
    auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(health.send(get("/health")));
    std::string response = health.read_response(1000ms);
    latencies.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    ASSERT_EQ(status_of(response), 200);
  }
  std::sort(latencies.begin(), latencies.end());
  EXPECT_LT(latencies[latencies.size() * 9 / 10], 10.0) << "p90 of /health under attack, ms";
  server.shutdown(0ms);
}

}  // namespace
}  // namespace ragscale::http
