// The HTTP client connection against the HTTP server, both on real loopback sockets.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "http/client_connection.h"
#include "http/request_format.h"
#include "http/response_format.h"
#include "http/server.h"

namespace ragscale::http {
namespace {

// Runs a client loop on the test thread until `done` or a deadline.
struct ClientHarness : ClientConnection::Listener {
  net::EventLoop loop;
  std::vector<ClientResult> results;
  std::vector<std::string> bodies;
  std::function<void(ClientConnection&, const ClientResult&)> next;
  size_t expected = 1;

  void on_response(ClientConnection& connection, const ClientResult& result) override {
    results.push_back(result);
    bodies.emplace_back(result.body);
    if (next) next(connection, result);
    if (results.size() >= expected) loop.stop();
  }

  void run_for(std::chrono::milliseconds limit) {
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

// A server whose handler keeps each request's Responder without answering, so a test can
// see what becomes of a pending request.
struct HoldingServer {
  std::mutex mutex;
  std::optional<Responder> held;
  HttpServer server{local_options(), [this](Request&, Responder responder) {
                      std::lock_guard lock(mutex);
                      held.emplace(std::move(responder));
                    }};

  bool holds() {
    std::lock_guard lock(mutex);
    return held.has_value();
  }
  Responder responder() {
    std::lock_guard lock(mutex);
    return *held;
  }
};

TEST(HttpClientServer, KeepAliveRequestsShareOneConnection) {
  HttpServer server(local_options(), [](Request& request, Responder responder) {
    responder.send(200, "text/plain", "hello " + std::string(request.path()));
  });
  server.start();
  ClientHarness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", server.port()), &harness);
  std::string request = format_request("GET", "/a", "localhost", {}, "");
  ClientConnection::RequestOptions options;
  options.capture_body = true;
  harness.expected = 3;
  harness.next = [&](ClientConnection& c, const ClientResult&) {
    if (harness.results.size() < 3) c.send(request, options);
  };
  connection.send(request, options);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(harness.results[i].error, ClientError::kNone);
    EXPECT_EQ(harness.results[i].status, 200);
    EXPECT_EQ(harness.bodies[i], "hello /a");
  }
  EXPECT_EQ(connection.connects(), 1u);
  server.shutdown(std::chrono::milliseconds(100));
}

TEST(HttpClientServer, StreamedChunkedResponseArrivesInPiecesAndWhole) {
  HttpServer server(local_options(), [](Request&, Responder responder) {
    responder.start_stream(200, "text/event-stream");
    responder.write(sse_frame("one"));
    responder.write(sse_frame("two"));
    responder.finish();
  });
  server.start();
  ClientHarness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", server.port()), &harness);
  std::string request = format_request("GET", "/stream", "localhost", {}, "");
  std::string pieces;
  ClientConnection::RequestOptions options;
  options.capture_body = true;
  options.on_body_piece = [&](std::string_view piece) { pieces.append(piece); };
  connection.send(request, options);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 1u);
  EXPECT_EQ(harness.bodies[0], "data: one\n\ndata: two\n\n");
  EXPECT_EQ(pieces, harness.bodies[0]);
  server.shutdown(std::chrono::milliseconds(100));
}

TEST(HttpClientServer, RefusedConnectionIsClassified) {
  // Bind then close a listener to get a port nobody listens on.
  uint16_t port;
  {
    net::UniqueFd fd(net::listen_tcp(net::resolve("127.0.0.1", 0), false));
    port = net::local_port(fd.get());
  }
  ClientHarness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", port), &harness);
  std::string request = format_request("GET", "/", "localhost", {}, "");
  connection.send(request, {});
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 1u);
  EXPECT_EQ(harness.results[0].error, ClientError::kConnectionRefused);
}

TEST(HttpClientServer, TimeoutAndResetAreClassified) {
  HttpServer server(local_options(), [](Request& request, Responder responder) {
    if (request.path() == "/reset") responder.abort();
    // "/hang": never answer
  });
  server.start();
  ClientHarness harness;
  auto address = net::resolve("127.0.0.1", server.port());
  ClientConnection hang(harness.loop, address, &harness);
  ClientConnection reset(harness.loop, address, &harness);
  std::string hang_request = format_request("GET", "/hang", "localhost", {}, "");
  std::string reset_request = format_request("GET", "/reset", "localhost", {}, "");
  ClientConnection::RequestOptions short_timeout;
  short_timeout.timeout = std::chrono::milliseconds(100);
  harness.expected = 2;
  hang.send(hang_request, short_timeout);
  reset.send(reset_request, {});
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 2u);
  std::vector<ClientError> errors{harness.results[0].error, harness.results[1].error};
  EXPECT_NE(std::find(errors.begin(), errors.end(), ClientError::kTimeout), errors.end());
  EXPECT_NE(std::find(errors.begin(), errors.end(), ClientError::kConnectionReset), errors.end());
  server.shutdown(std::chrono::milliseconds(100));
}

TEST(HttpClientServer, OversizedBodyGets413AndMalformedRequestGets400) {
  auto options = local_options();
  options.limits.max_body_bytes = 10;
  HttpServer server(options, [](Request&, Responder responder) { responder.send(200, "text/plain", "ok"); });
  server.start();
  ClientHarness harness;
  auto address = net::resolve("127.0.0.1", server.port());
  ClientConnection big(harness.loop, address, &harness);
  ClientConnection bad(harness.loop, address, &harness);
  std::string big_request = format_request("POST", "/", "localhost", {}, std::string(100, 'x'));
  std::string bad_request = "GARBAGE\r\n\r\n";
  ClientConnection::RequestOptions capture;
  capture.capture_body = true;
  harness.expected = 2;
  big.send(big_request, capture);
  bad.send(bad_request, capture);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 2u);
  std::vector<int> statuses{harness.results[0].status, harness.results[1].status};
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{400, 413}));
  for (const auto& body : harness.bodies) EXPECT_NE(body.find("\"error\""), std::string::npos);
  server.shutdown(std::chrono::milliseconds(100));
}

// HEAD responses carry the GET headers (Content-Length included) and no body; the
// client must not wait for that body, and the next response on the connection must
// parse cleanly.
TEST(HttpClientServer, HeadResponseHasNoBodyAndKeepsTheConnectionUsable) {
  HttpServer server(local_options(), [](Request&, Responder responder) {
    responder.send(200, "text/plain", "hello world");
  });
  server.start();
  ClientHarness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", server.port()), &harness);
  std::string head = format_request("HEAD", "/health", "localhost", {}, "");
  std::string get = format_request("GET", "/health", "localhost", {}, "");
  ClientConnection::RequestOptions head_options;
  head_options.head_request = true;
  head_options.capture_body = true;
  head_options.capture_headers = true;
  head_options.timeout = std::chrono::milliseconds(500);
  ClientConnection::RequestOptions get_options;
  get_options.capture_body = true;
  harness.expected = 2;
  std::string content_length;
  harness.next = [&](ClientConnection& c, const ClientResult& result) {
    if (harness.results.size() == 1) {
      if (result.headers) content_length = std::string(result.headers->get("Content-Length").value_or(""));
      c.send(get, get_options);
    }
  };
  connection.send(head, head_options);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 2u);
  EXPECT_EQ(harness.results[0].error, ClientError::kNone);
  EXPECT_EQ(harness.results[0].status, 200);
  EXPECT_EQ(harness.results[0].body_bytes, 0u);
  EXPECT_EQ(content_length, "11");
  EXPECT_EQ(harness.results[1].error, ClientError::kNone);
  EXPECT_EQ(harness.bodies[1], "hello world");
  EXPECT_EQ(connection.connects(), 1u);
  server.shutdown(std::chrono::milliseconds(100));
}

// "100 Continue" is an interim answer: the client reports the final one.
TEST(HttpClientServer, InterimContinueIsSkippedForTheFinalResponse) {
  HttpServer server(local_options(), [](Request& request, Responder responder) {
    responder.send(201, "text/plain", "got " + request.body);
  });
  server.start();
  ClientHarness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", server.port()), &harness);
  std::string request = format_request("POST", "/upload", "localhost", {{"Expect", "100-continue"}}, "abc");
  ClientConnection::RequestOptions options;
  options.capture_body = true;
  connection.send(request, options);
  harness.run_for(std::chrono::seconds(5));
  ASSERT_EQ(harness.results.size(), 1u);
  EXPECT_EQ(harness.results[0].status, 201);
  EXPECT_EQ(harness.bodies[0], "got abc");
  server.shutdown(std::chrono::milliseconds(100));
}

TEST(HttpClientServer, AnAbortedRequestIsSeenByTheServerAsADepartedClient) {
  HoldingServer holding;
  holding.server.start();
  ClientHarness harness;
  ClientConnection connection(harness.loop, net::resolve("127.0.0.1", holding.server.port()), &harness);
  std::string request = format_request("GET", "/slow", "localhost", {}, "");
  connection.send(request, {});
  // Abort once the server holds the request, then let the loop run the completion.
  net::Timer abort_timer([&] {
    if (holding.holds()) {
      connection.abort();
    } else {
      harness.loop.arm_after(abort_timer, std::chrono::milliseconds(5));
    }
  });
  harness.loop.arm_after(abort_timer, std::chrono::milliseconds(5));
  harness.run_for(std::chrono::seconds(2));
  ASSERT_EQ(harness.results.size(), 1u);
  EXPECT_EQ(harness.results[0].error, ClientError::kConnectionReset);
  // An orderly close would leave the server a half-closed client still waiting for its
  // answer; a reset tells it nobody will read one.
  Responder responder = holding.responder();
  bool departed = false;
  for (int i = 0; i < 200 && !departed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::promise<bool> alive;
    responder.loop()->post([&alive, responder] { alive.set_value(responder.alive()); });
    departed = !alive.get_future().get();
  }
  EXPECT_TRUE(departed);
  holding.server.shutdown(std::chrono::milliseconds(100));
}

// A client may half-close (shutdown its write side) and still wait for the answer. The
// server must answer, close afterwards, and not spin on the repeated EOF meanwhile.
TEST(HttpClientServer, HalfClosedClientStillGetsItsAnswerWithoutBusyWaiting) {
  HoldingServer holding;
  HttpServer& server = holding.server;
  server.start();
  auto address = net::resolve("127.0.0.1", server.port());
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length), 0);
  std::string request = format_request("GET", "/slow", "localhost", {}, "");
  ASSERT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  ASSERT_EQ(::shutdown(fd, SHUT_WR), 0);

  timespec cpu_before{}, cpu_after{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_before);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_after);
  double cpu_ms = (cpu_after.tv_sec - cpu_before.tv_sec) * 1e3 + (cpu_after.tv_nsec - cpu_before.tv_nsec) / 1e6;
  // A spinning loop would burn the whole 300 ms; an idle one next to nothing.
  EXPECT_LT(cpu_ms, 100.0);

  ASSERT_TRUE(holding.holds());
  Responder responder = holding.responder();
  responder.loop()->post([responder]() mutable { responder.send(200, "text/plain", "late answer"); });
  std::string received;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // the server closes after answering a half-closed client
    received.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  EXPECT_NE(received.find("200 OK"), std::string::npos);
  EXPECT_NE(received.find("late answer"), std::string::npos);
  server.shutdown(std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace ragscale::http
