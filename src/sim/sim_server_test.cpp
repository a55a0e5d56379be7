// The simulator served on real loopback sockets and driven by the project's HTTP client,
// so its request paths also run under the sanitizer build.
#include "sim/sim_server.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <functional>
#include <memory>

#include "http/client_connection.h"
#include "http/request_format.h"

namespace ragscale::sim {
namespace {

using namespace std::chrono_literals;

struct Exchange {
  std::string request;
  http::ClientResult result;
  std::string body;
  std::vector<net::TimePoint> piece_times;
  net::TimePoint sent;
  bool done = false;
};

// Runs one client loop on the test thread with any number of concurrent exchanges.
class Client : public http::ClientConnection::Listener {
 public:
  explicit Client(uint16_t port) : address_(net::resolve("127.0.0.1", port)) {}

  Exchange& post(const std::string& path, const std::string& body, net::Clock::duration timeout = 10s) {
    auto exchange = std::make_unique<Exchange>();
    exchange->request = http::format_request("POST", path, "localhost", {{"Content-Type", "application/json"}}, body);
    auto connection = std::make_unique<http::ClientConnection>(loop_, address_, this);
    http::ClientConnection::RequestOptions options;
    options.capture_body = true;
    options.capture_headers = true;
    options.timeout = timeout;
    Exchange* raw = exchange.get();
    options.on_body_piece = [raw](std::string_view) { raw->piece_times.push_back(net::Clock::now()); };
    raw->sent = net::Clock::now();
    connection->send(raw->request, options);
    owners_[connection.get()] = raw;
    connections_.push_back(std::move(connection));
    exchanges_.push_back(std::move(exchange));
    return *raw;
  }

  void arm(net::Timer& timer, net::Clock::duration delay) { loop_.arm_after(timer, delay); }

  // Once per client: an event loop does not run again after it stopped.
  void run(std::chrono::milliseconds limit) {
    net::Timer guard([this] { loop_.stop(); });
    loop_.arm_after(guard, limit);
    loop_.run();
    loop_.disarm(guard);
  }

  void on_response(http::ClientConnection& connection, const http::ClientResult& result) override {
    Exchange* exchange = owners_[&connection];
    exchange->result = result;
    exchange->body = std::string(result.body);
    exchange->done = true;
    if (++completed_ == exchanges_.size()) loop_.stop();
  }

 private:
  net::EventLoop loop_;
  net::SocketAddress address_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;
  std::vector<std::unique_ptr<http::ClientConnection>> connections_;
  std::map<http::ClientConnection*, Exchange*> owners_;
  size_t completed_ = 0;
};

SimConfig fast_config() {
  SimConfig config;
  config.port = 0;
  config.time_to_first_token = Distribution::constant(20000);
  config.inter_token_latency = Distribution::constant(1000);
  config.shutdown_grace = 200ms;
  return config;
}

const std::string kStreamed =
    R"({"model":"m","stream":true,"max_tokens":8,"messages":[{"role":"user","content":"[1] Caching cuts latency for repeated questions."}]})";

TEST(SimServer, StreamsAWholeAnswer) {
  SimServer server(fast_config());
  server.start();
  Client client(server.port());
  Exchange& exchange = client.post("/v1/chat/completions", kStreamed);
  client.run(5000ms);
  ASSERT_TRUE(exchange.done);
  EXPECT_EQ(exchange.result.status, 200);
  EXPECT_EQ(std::count(exchange.body.begin(), exchange.body.end(), '\n'), 2 * (1 + 8 + 1 + 1));
  EXPECT_NE(exchange.body.find("\"finish_reason\":\"length\""), std::string::npos);
  EXPECT_EQ(exchange.body.substr(exchange.body.size() - 14), "data: [DONE]\n\n");
  ASSERT_FALSE(exchange.piece_times.empty());
  EXPECT_GE(exchange.piece_times.front() - exchange.sent, 19ms);
  server.shutdown();
  EXPECT_EQ(server.completion_tokens(), 8u);
}

TEST(SimServer, QueuedRequestsWaitForASlot) {
  SimConfig config = fast_config();
  config.max_concurrency = 1;
  SimServer server(config);
  server.start();
  Client client(server.port());
  Exchange& first = client.post("/v1/chat/completions", kStreamed);
  Exchange& second = client.post("/v1/chat/completions", kStreamed);
  client.run(5000ms);
  ASSERT_TRUE(first.done && second.done);
  EXPECT_EQ(first.result.status, 200);
  EXPECT_EQ(second.result.status, 200);
  // The second gets the slot when the first's last token is out, then waits its own 20 ms.
  // The client may read the first's last token a few ms late on a loaded machine (sanitizer
  // builds, a busy CI runner), which only shortens the gap it sees: hence half the wait.
  ASSERT_FALSE(first.piece_times.empty());
  ASSERT_FALSE(second.piece_times.empty());
  EXPECT_GE(second.piece_times.front() - first.piece_times.back(), 10ms);
}

TEST(SimServer, FullQueueIsRefusedWith503) {
  SimConfig config = fast_config();
  config.max_concurrency = 1;
  config.max_queue = 1;
  SimServer server(config);
  server.start();
  Client client(server.port());
  client.post("/v1/chat/completions", kStreamed);
  client.post("/v1/chat/completions", kStreamed);
  Exchange& third = client.post("/v1/chat/completions", kStreamed);
  client.run(5000ms);
  EXPECT_EQ(third.result.status, 503);
  ASSERT_NE(third.result.headers, nullptr);
}

TEST(SimServer, ResetFaultCutsTheStream) {
  SimConfig config = fast_config();
  config.faults.reset_rate = 1;
  SimServer server(config);
  server.start();
  Client client(server.port());
  Exchange& exchange = client.post("/v1/chat/completions", kStreamed);
  client.run(5000ms);
  ASSERT_TRUE(exchange.done);
  EXPECT_EQ(exchange.result.error, http::ClientError::kConnectionReset);
}

TEST(SimServer, ShutdownEndsHungAndQueuedRequests) {
  SimConfig config = fast_config();
  config.faults.timeout_rate = 1;
  auto server = std::make_unique<SimServer>(config);
  server->start();
  Client client(server->port());
  Exchange& hung = client.post("/v1/chat/completions", kStreamed, 10s);
  // Shut down from a timer on the client's loop, which then sees the hung request end.
  net::Clock::duration shutdown_took{};
  bool answered_before_shutdown = true;
  net::Timer stop_server([&] {
    answered_before_shutdown = hung.done;
    auto started = net::Clock::now();
    server->shutdown();
    shutdown_took = net::Clock::now() - started;
  });
  client.arm(stop_server, 200ms);
  client.run(3000ms);
  EXPECT_FALSE(answered_before_shutdown);
  EXPECT_LT(shutdown_took, 1s);  // hung requests do not hold the grace period
  EXPECT_TRUE(hung.done);
  EXPECT_NE(hung.result.error, http::ClientError::kNone);
}

TEST(SimServer, EmbeddingsAndErrorsThroughTheServer) {
  SimServer server(fast_config());
  server.start();
  Client client(server.port());
  Exchange& embeddings = client.post("/v1/embeddings", R"({"input":["a b","c"],"dimensions":8})");
  Exchange& bad = client.post("/v1/chat/completions", R"({"messages":[]})");
  Exchange& admin = client.post("/admin/faults", R"({"error_rate":1})");
  client.run(5000ms);
  ASSERT_EQ(embeddings.result.status, 200);
  rapidjson::Document doc;
  doc.Parse(embeddings.body.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["data"].Size(), 2u);
  EXPECT_EQ(doc["data"][0]["embedding"].Size(), 8u);
  EXPECT_EQ(bad.result.status, 400);
  EXPECT_NE(bad.body.find("\"param\":\"messages\""), std::string::npos);
  EXPECT_EQ(admin.result.status, 200);
  Client after(server.port());
  Exchange& broken = after.post("/v1/chat/completions", kStreamed);
  after.run(5000ms);
  EXPECT_EQ(broken.result.status, 500);
}

// 2,048 inputs of 8,192 dimensions used to be built whole (about 170 MB of JSON) on the
// simulator's only loop thread, however many such requests came in.
TEST(SimServer, AnEmbeddingsRequestTooLargeToBuildIsRefused) {
  SimServer server(fast_config());
  server.start();
  Client client(server.port());
  std::string inputs;
  for (int i = 0; i < 2048; ++i) inputs += std::string(i ? "," : "") + "\"x\"";
  Exchange& huge = client.post("/v1/embeddings", R"({"input":[)" + inputs + R"(],"dimensions":8192})", 20s);
  client.run(20000ms);
  EXPECT_EQ(huge.result.status, 400);
  EXPECT_NE(huge.body.find("the most one request may ask for"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::sim
