// ClientConnection's time limits per phase (connect, first byte, total) on real loopback
// sockets: a listener that never completes a handshake, servers that hold or trickle.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/client_connection.h"
#include "http/request_format.h"
#include "http/server.h"

namespace ragscale::http {
namespace {

using std::chrono::milliseconds;

// Runs a client loop on the test thread until `expected` results or a deadline.
struct Harness : ClientConnection::Listener {
  net::EventLoop loop;
  std::vector<ClientResult> results;
  std::vector<std::string> bodies;
  std::vector<net::Clock::duration> elapsed;  // from start() to each result
  net::TimePoint started = net::Clock::now();
  std::function<void(ClientConnection&, const ClientResult&)> next;
  size_t expected = 1;

  void on_response(ClientConnection& connection, const ClientResult& result) override {
    results.push_back(result);
    bodies.emplace_back(result.body);
    elapsed.push_back(net::Clock::now() - started);
    if (next) next(connection, result);
    if (results.size() >= expected) loop.stop();
  }
  void start() { started = net::Clock::now(); }
  void run_for(milliseconds limit) {
    net::Timer guard([this] { loop.stop(); });
    loop.arm_after(guard, limit);
    loop.run();
    loop.disarm(guard);
  }
};

HttpServer::Options local_options() {
  HttpServer::Options options;
  options.host = "127.0.0.1";
  options.port = 0;
  return options;
}

// A listener whose accept queue is full and never drained (backlog 0 and one connection
// already queued): the kernel drops every further SYN, so a connect to it stays pending.
struct FullListener {
  net::UniqueFd listener{net::listen_tcp(net::resolve("127.0.0.1", 0), false, 0)};
  uint16_t port = net::local_port(listener.get());
  net::UniqueFd queued{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  FullListener() {
    auto address = net::resolve("127.0.0.1", port);
    EXPECT_EQ(::connect(queued.get(), reinterpret_cast<const sockaddr*>(&address.storage), address.length), 0);
  }
};

// Answers "/quick" at once; holds every other request, or starts its stream with
// "first" and holds the rest when the path is "/trickle".
struct SlowServer {
  std::mutex mutex;
  std::vector<Responder> held;
  HttpServer server{local_options(), [this](Request& request, Responder responder) {
                      if (request.path() == "/quick") {
                        responder.send(200, "text/plain", "quick");
                        return;
                      }
                      if (request.path() == "/trickle") {
                        responder.start_stream(200, "text/plain");
                        responder.write("first");
                      }
                      std::lock_guard lock(mutex);
                      held.push_back(std::move(responder));
                    }};
  SlowServer() { server.start(); }
  ~SlowServer() { server.shutdown(milliseconds(100)); }
  // Ends the held stream with `last` (on the server's loop thread).
  void finish_stream(std::string last) {
    std::lock_guard lock(mutex);
    for (auto& responder : held) {
      responder.loop()->post([responder, last]() mutable {
        responder.write(last);
        responder.finish();
      });
    }
  }
};

TEST(ClientConnectionTimeouts, ConnectTimeoutEndsAHandshakeThatNeverCompletes) {
  FullListener full;
  Harness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", full.port), &harness);
  std::string request = format_request("GET", "/", "localhost", {}, "");
  ClientConnection::RequestOptions options;
  options.timeout = std::chrono::seconds(5);
  options.connect_timeout = milliseconds(200);
  harness.start();
  connection.send(request, options);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 1u);
  const auto& result = harness.results[0];
  EXPECT_EQ(result.error, ClientError::kTimeout);
  EXPECT_EQ(result.timeout, ClientTimeout::kConnect);
  EXPECT_EQ(result.error_detail, "connect timed out after 200 ms");
  EXPECT_FALSE(result.connected);  // nothing of the request reached a server
  EXPECT_GE(harness.elapsed[0], milliseconds(195));
  EXPECT_LT(harness.elapsed[0], milliseconds(1500));
}

TEST(ClientConnectionTimeouts, FirstByteTimeoutEndsTheWaitForAnAnswerOnNewAndReusedConnections) {
  SlowServer slow;
  Harness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", slow.server.port()), &harness);
  std::string hold = format_request("GET", "/hold", "localhost", {}, "");
  std::string quick = format_request("GET", "/quick", "localhost", {}, "");
  ClientConnection::RequestOptions options;
  options.timeout = std::chrono::seconds(5);
  options.connect_timeout = std::chrono::seconds(2);  // the connect itself is quick
  options.first_byte_timeout = milliseconds(150);
  harness.expected = 3;
  ClientConnection::RequestOptions no_limits;  // the quick answer is no test of timing
  harness.next = [&](ClientConnection& c, const ClientResult&) {
    if (harness.results.size() == 1) c.send(quick, no_limits);  // a fresh connection
    if (harness.results.size() == 2) {
      harness.start();
      c.send(hold, options);  // reuses the quick one's connection
    }
  };
  harness.start();
  connection.send(hold, options);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 3u);
  for (size_t i : {0u, 2u}) {
    const auto& result = harness.results[i];
    EXPECT_EQ(result.error, ClientError::kTimeout) << i;
    EXPECT_EQ(result.timeout, ClientTimeout::kFirstByte) << i;
    EXPECT_EQ(result.error_detail, "no first byte within 150 ms") << i;
    EXPECT_TRUE(result.connected) << i;  // the server got the request
    EXPECT_GE(harness.elapsed[i], milliseconds(145)) << i;
    EXPECT_LT(harness.elapsed[i], milliseconds(1500)) << i;
  }
  EXPECT_EQ(harness.results[1].error, ClientError::kNone);
  EXPECT_EQ(harness.results[1].status, 200);
  EXPECT_EQ(connection.connects(), 2u);  // the timed-out request's connection is closed
}

// A first byte in time ends that limit: a body slower than it still completes.
TEST(ClientConnectionTimeouts, FirstByteTimeoutDoesNotLimitASlowBody) {
  SlowServer slow;
  Harness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", slow.server.port()), &harness);
  std::string request = format_request("GET", "/trickle", "localhost", {}, "");
  ClientConnection::RequestOptions options;
  options.capture_body = true;
  options.timeout = std::chrono::seconds(5);
  options.first_byte_timeout = milliseconds(300);
  net::Timer later([&] { slow.finish_stream(" second"); });
  harness.loop.arm_after(later, milliseconds(900));
  connection.send(request, options);
  harness.run_for(std::chrono::seconds(5));
  harness.loop.disarm(later);
  ASSERT_EQ(harness.results.size(), 1u);
  EXPECT_EQ(harness.results[0].error, ClientError::kNone) << harness.results[0].error_detail;
  EXPECT_EQ(harness.bodies[0], "first second");
}

// A phase limit longer than what is left of the total does not extend it: the total
// ends the request, and says so.
TEST(ClientConnectionTimeouts, PhaseLimitsAreBoundedByTheTotal) {
  FullListener full;
  SlowServer slow;
  Harness harness;
  ClientConnection connecting(harness.loop, net::resolve("127.0.0.1", full.port), &harness);
  ClientConnection waiting(harness.loop, net::resolve("127.0.0.1", slow.server.port()), &harness);
  std::string request = format_request("GET", "/hold", "localhost", {}, "");
  ClientConnection::RequestOptions options;
  options.timeout = milliseconds(200);
  options.connect_timeout = std::chrono::seconds(5);
  options.first_byte_timeout = std::chrono::seconds(5);
  harness.expected = 2;
  harness.start();
  connecting.send(request, options);
  waiting.send(request, options);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 2u);
  bool saw_unconnected = false, saw_connected = false;
  for (size_t i = 0; i < 2; ++i) {
    const auto& result = harness.results[i];
    EXPECT_EQ(result.error, ClientError::kTimeout);
    EXPECT_EQ(result.timeout, ClientTimeout::kTotal);
    EXPECT_EQ(result.error_detail, "no complete response within 200 ms");
    EXPECT_GE(harness.elapsed[i], milliseconds(195));
    EXPECT_LT(harness.elapsed[i], milliseconds(1500));
    (result.connected ? saw_connected : saw_unconnected) = true;
  }
  EXPECT_TRUE(saw_connected);
  EXPECT_TRUE(saw_unconnected);
}

}  // namespace
}  // namespace ragscale::http
