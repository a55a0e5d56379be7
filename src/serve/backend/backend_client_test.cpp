#include "serve/backend/backend_client.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <time.h>

#include <atomic>
#include <cmath>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "http/server.h"
#include "serve/backend/chat_generator.h"
#include "serve/backend/openai_embedder.h"

namespace ragscale::serve {
namespace {

TEST(BackendUrlTest, ParsesHostPortAndBasePath) {
  auto url = parse_backend_url("http://127.0.0.1:8001");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8001);
  EXPECT_EQ(url.base_path, "");
  url = parse_backend_url("http://llm.internal/openai/v1/");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.base_path, "/openai");
  url = parse_backend_url("https://api.openai.com/v1");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "api.openai.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.base_path, "");
  EXPECT_FALSE(parse_backend_url("http://h").tls);
  EXPECT_THROW(parse_backend_url("ftp://h"), std::invalid_argument);
  EXPECT_THROW(parse_backend_url("http://host:99999"), std::invalid_argument);
  EXPECT_THROW(parse_backend_url("http://:80"), std::invalid_argument);
}

// A minimal OpenAI-compatible server: 3-dimensional embeddings, a fixed chat answer.
class FakeOpenAi {
 public:
  FakeOpenAi()
      : server_(http::HttpServer::Options{}, [this](http::Request& request, http::Responder responder) {
          ++requests;
          last_authorization = std::string(request.headers.get("Authorization").value_or(""));
          if (fail) {
            responder.send(500, "application/json", R"({"error":{"message":"boom"}})");
          } else if (deep && request.body.find("\"stream\":true") != std::string::npos) {
            responder.start_stream(200, "text/event-stream");
            responder.write("data: {\"choices\":" + std::string(300000, '[') + "\n\n");
            responder.write("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n");
            responder.finish();
          } else if (deep) {
            // A broken or hostile model: nesting that overflows a recursive parser.
            responder.send(200, "application/json", "{\"choices\":" + std::string(300000, '['));
          } else if (request.path() == "/v1/embeddings") {
            // One vector per input, [3, 4, i] so normalization and order are visible.
            rapidjson::Document parsed;
            parsed.Parse(request.body.c_str());
            size_t inputs = parsed["input"].Size();
            std::string body = R"({"object":"list","data":[)";
            for (size_t i = 0; i < inputs; ++i) {
              body += (i ? "," : "") + std::string(R"({"object":"embedding","index":)") + std::to_string(i) +
                      R"(,"embedding":[3,4,)" + std::to_string(i) + "]}";
            }
            body += "]}";
            responder.send(200, "application/json", body);
          } else if (request.path() == "/v1/chat/completions" &&
                     request.body.find("\"stream\":true") != std::string::npos) {
            responder.start_stream(200, "text/event-stream");
            for (const char* token : {"Par", "is [1]", "."}) {
              responder.write(std::string(R"(data: {"choices":[{"index":0,"delta":{"content":")") + token +
                              "\"}}]}\n\n");
            }
            responder.write("data: [DONE]\n\n");
            responder.finish();
          } else if (request.path() == "/v1/chat/completions") {
            responder.send(200, "application/json",
                           R"({"choices":[{"index":0,"message":{"role":"assistant","content":"Paris [1]."}}]})");
          } else {
            responder.send(404, "application/json", "{}");
          }
        }) {
    server_.start();
  }
  uint16_t port() const { return server_.port(); }

  std::atomic<int> requests{0};
  std::atomic<bool> fail{false};
  std::atomic<bool> deep{false};
  std::string last_authorization;

 private:
  http::HttpServer server_;
};

TEST(BackendClientTest, EmbedderBatchesAndNormalizes) {
  FakeOpenAi fake;
  BackendClient client({"127.0.0.1", fake.port(), ""}, "sk-test", 2);
  OpenAiEmbedder embedder(client, "emb", 2, std::chrono::seconds(5));
  EXPECT_EQ(embedder.dimension(), 3u);
  EXPECT_EQ(fake.last_authorization, "Bearer sk-test");
  int before = fake.requests.load();
  auto vectors = embedder.embed({"a", "b", "c"});
  EXPECT_EQ(fake.requests.load() - before, 2);  // batches of two
  ASSERT_EQ(vectors.size(), 3u);
  EXPECT_NEAR(vectors[0][0], 0.6f, 1e-6);
  EXPECT_NEAR(vectors[0][1], 0.8f, 1e-6);
  float norm = 0;
  for (float v : vectors[1]) norm += v * v;
  EXPECT_NEAR(norm, 1.0f, 1e-5);
  EXPECT_GT(vectors[1][2], 0.0f);  // the second of its batch: index 1
}

TEST(BackendClientTest, ChatGeneratorReturnsTheAnswerAndReportsFailures) {
  FakeOpenAi fake;
  BackendClient client({"127.0.0.1", fake.port(), ""}, "", 4);
  ChatGenerator generator(client, "chat", std::chrono::seconds(5));
  EXPECT_EQ(generator.generate("capital of France?", {{"Geo", "Paris is the capital."}}, 0.2), "Paris [1].");
  fake.fail = true;
  EXPECT_THROW(generator.generate("again?", {}, 0), std::runtime_error);
  auto prompt = citation_prompt("Q?", {{"T1", "one"}, {"T2", "two"}});
  EXPECT_NE(prompt.find("[2] T2\ntwo"), std::string::npos);
}

TEST(BackendClientTest, ChatGeneratorStreamsTokens) {
  FakeOpenAi fake;
  BackendClient client({"127.0.0.1", fake.port(), ""}, "", 1);
  ChatGenerator generator(client, "chat", std::chrono::seconds(5));
  std::vector<std::string> tokens;
  auto answer = generator.generate_stream("capital?", {{"Geo", "Paris."}}, 0,
                                          [&](std::string_view token) { tokens.emplace_back(token); });
  EXPECT_EQ(answer, "Paris [1].");
  EXPECT_EQ(tokens, (std::vector<std::string>{"Par", "is [1]", "."}));
}

TEST(BackendClientTest, DeeplyNestedModelResponsesAreErrorsNotCrashes) {
  FakeOpenAi fake;
  BackendClient client({"127.0.0.1", fake.port(), ""}, "", 2);
  OpenAiEmbedder embedder(client, "emb", 8, std::chrono::seconds(5));
  ChatGenerator generator(client, "chat", std::chrono::seconds(5));
  fake.deep = true;
  try {
    embedder.embed({"a"});
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nested deeper than 64 levels"), std::string::npos) << e.what();
  }
  try {
    generator.generate("q?", {}, 0);
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nested deeper than 64 levels"), std::string::npos) << e.what();
  }
  // A streamed event that is too deep is skipped like any unreadable event.
  std::string streamed;
  EXPECT_EQ(generator.generate_stream("q?", {}, 0, [&](std::string_view token) { streamed.append(token); }), "ok");
}

TEST(ChatStreamReaderTest, ReassemblesEventsSplitAnywhere) {
  std::string stream =
      "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\r\n\r\n"
      ": keep-alive comment\n\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n"
      "data: {\"choices\":[],\"usage\":{\"completion_tokens\":2}}\n\n"
      "data: [DONE]\n\n";
  for (size_t split = 1; split < stream.size(); split += 7) {
    std::string seen;
    ChatStreamReader reader([&](std::string_view token) { seen.append(token).append("|"); });
    reader.feed(std::string_view(stream).substr(0, split));
    reader.feed(std::string_view(stream).substr(split));
    EXPECT_EQ(reader.text(), "Hello") << split;
    EXPECT_EQ(seen, "Hel|lo|") << split;
  }
}

TEST(BackendClientTest, UnreachableBackendIsAnErrorNotAHang) {
  uint16_t port;
  {
    FakeOpenAi closed;
    port = closed.port();
  }
  BackendClient client({"127.0.0.1", port, ""}, "", 1);
  auto response = client.post_json("/v1/embeddings", "{}", std::chrono::seconds(2));
  EXPECT_FALSE(response.ok());
  EXPECT_FALSE(response.error.empty());
  EXPECT_THROW(OpenAiEmbedder(client, "emb", 8, std::chrono::seconds(2)), std::runtime_error);
}

// A backend that holds every request unanswered while `hold` is set (a model stuck on
// earlier work) and answers {} at once otherwise.
class StuckBackend {
 public:
  StuckBackend()
      : server_(http::HttpServer::Options{}, [this](http::Request&, http::Responder responder) {
          ++requests;
          if (hold) {
            held_.push_back(std::move(responder));
          } else {
            responder.send(200, "application/json", "{}");
          }
        }) {
    server_.start();
  }
  uint16_t port() const { return server_.port(); }
  std::atomic<bool> hold{true};
  std::atomic<int> requests{0};

 private:
  std::vector<http::Responder> held_;  // loop thread only; outlives the server's threads
  http::HttpServer server_;
};

using Clock = std::chrono::steady_clock;

// Collects one asynchronous completion and when it came.
struct Outcome {
  std::promise<BackendResponse> promise;
  std::shared_future<BackendResponse> future = promise.get_future().share();
  Clock::time_point at;
  BackendClient::Completion completion() {
    return [this](BackendResponse response) {
      at = Clock::now();
      promise.set_value(std::move(response));
    };
  }
  bool arrives_within(std::chrono::milliseconds limit) const {
    return future.wait_for(limit) == std::future_status::ready;
  }
};

void wait_for_requests(const StuckBackend& backend, int count) {
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (backend.requests.load() < count && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(backend.requests.load(), count);
}

// A call's timeout used to start only when it got a connection: behind a stuck call it
// waited for that call's whole timeout first.
TEST(BackendClientQueueTest, TheDeadlineStartsWhenTheCallIsMade) {
  StuckBackend backend;
  Outcome stuck, queued;  // declared first: they outlive the client's completions
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, stuck.completion());
  wait_for_requests(backend, 1);
  auto start = Clock::now();
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::milliseconds(300), {}, queued.completion());
  ASSERT_TRUE(queued.arrives_within(std::chrono::seconds(3)));
  auto waited = queued.at - start;
  EXPECT_GE(waited, std::chrono::milliseconds(290));
  EXPECT_LT(waited, std::chrono::milliseconds(1500));
  auto response = queued.future.get();
  EXPECT_EQ(response.failure, BackendFailure::kTimeout);
  EXPECT_NE(response.error.find("waiting for a free connection"), std::string::npos) << response.error;
  EXPECT_EQ(client.pending(), 1u);
  EXPECT_EQ(backend.requests.load(), 1);  // the expired call never reached the backend
}

TEST(BackendClientQueueTest, InFlightCallsKeepTheirDeadlineToo) {
  StuckBackend backend;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 2);
  auto start = Clock::now();
  auto response = client.post_json("/v1/embeddings", "{}", std::chrono::milliseconds(200));
  EXPECT_EQ(response.failure, BackendFailure::kTimeout);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
}

TEST(BackendClientQueueTest, PastTheBoundACallFailsAtOnceAsOverloaded) {
  StuckBackend backend;
  Outcome calls[3], refused;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1, 2);
  for (auto& call : calls) {
    client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, call.completion());
  }
  EXPECT_EQ(client.pending(), 3u);
  auto start = Clock::now();
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, refused.completion());
  ASSERT_TRUE(refused.arrives_within(std::chrono::milliseconds(0)));  // on the calling thread, before returning
  EXPECT_LT(refused.at - start, std::chrono::milliseconds(100));
  auto response = refused.future.get();
  EXPECT_EQ(response.failure, BackendFailure::kOverloaded);
  EXPECT_NE(response.error.find("overloaded"), std::string::npos);
  for (auto& call : calls) EXPECT_FALSE(call.arrives_within(std::chrono::milliseconds(0)));
}

TEST(BackendClientQueueTest, CancelledWaitersLeaveTheQueueAndTheirPlaceIsReused) {
  StuckBackend backend;
  Outcome stuck, abandoned, later;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1, 1);
  auto stuck_cancel = std::make_shared<CancelSignal>();
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, stuck.completion(),
                         stuck_cancel);
  wait_for_requests(backend, 1);
  auto abandon = std::make_shared<CancelSignal>();
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, abandoned.completion(), abandon);
  abandon->cancel();  // the client of the query went away
  ASSERT_TRUE(abandoned.arrives_within(std::chrono::seconds(2)));
  EXPECT_EQ(abandoned.future.get().failure, BackendFailure::kCancelled);
  EXPECT_EQ(client.pending(), 1u);

  // The in-flight call is cancelled too: its connection closes and serves the next call.
  backend.hold = false;
  stuck_cancel->cancel();
  ASSERT_TRUE(stuck.arrives_within(std::chrono::seconds(2)));
  EXPECT_EQ(stuck.future.get().failure, BackendFailure::kCancelled);
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(5), {}, later.completion());
  ASSERT_TRUE(later.arrives_within(std::chrono::seconds(3)));
  EXPECT_TRUE(later.future.get().ok());
  EXPECT_EQ(backend.requests.load(), 2);  // the abandoned call never reached the backend
  EXPECT_EQ(client.pending(), 0u);
}

// /metrics' ragscale_backend_in_flight: calls on the wire, not those waiting for a connection.
TEST(BackendClientQueueTest, InFlightCountsOnlyTheCallsSentOnAConnection) {
  StuckBackend backend;
  Outcome sent, waiting;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  EXPECT_EQ(client.in_flight(), 0u);
  auto cancel_sent = std::make_shared<CancelSignal>();
  auto cancel_waiting = std::make_shared<CancelSignal>();
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, sent.completion(), cancel_sent);
  wait_for_requests(backend, 1);
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, waiting.completion(),
                         cancel_waiting);
  EXPECT_EQ(client.pending(), 2u);
  EXPECT_EQ(client.in_flight(), 1u);
  cancel_waiting->cancel();
  ASSERT_TRUE(waiting.arrives_within(std::chrono::seconds(2)));
  EXPECT_EQ(client.in_flight(), 1u);
  cancel_sent->cancel();
  ASSERT_TRUE(sent.arrives_within(std::chrono::seconds(2)));
  EXPECT_EQ(client.in_flight(), 0u);
}

TEST(BackendClientQueueTest, ACancelBeforeTheCallStartsEndsItWithoutSendingIt) {
  StuckBackend backend;
  backend.hold = false;
  Outcome call;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  auto abandon = std::make_shared<CancelSignal>();
  abandon->cancel();
  client.post_json_async("/v1/embeddings", "{}", std::chrono::seconds(5), {}, call.completion(), abandon);
  ASSERT_TRUE(call.arrives_within(std::chrono::seconds(2)));
  EXPECT_EQ(call.future.get().failure, BackendFailure::kCancelled);
  EXPECT_EQ(backend.requests.load(), 0);
}

TEST(BackendClientQueueTest, ShutdownCompletesEveryCallOnTheLoopThenRefusesNewOnes) {
  StuckBackend backend;
  Outcome in_flight, waiting;
  std::thread::id loop_thread;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {}, in_flight.completion());
  client.post_json_async("/v1/chat/completions", "{}", std::chrono::seconds(20), {},
                         [&](BackendResponse response) {
                           loop_thread = std::this_thread::get_id();
                           waiting.completion()(std::move(response));
                         });
  wait_for_requests(backend, 1);
  client.shutdown();
  ASSERT_TRUE(in_flight.arrives_within(std::chrono::milliseconds(0)));
  ASSERT_TRUE(waiting.arrives_within(std::chrono::milliseconds(0)));
  EXPECT_EQ(in_flight.future.get().failure, BackendFailure::kShuttingDown);
  EXPECT_EQ(waiting.future.get().failure, BackendFailure::kShuttingDown);
  EXPECT_NE(loop_thread, std::this_thread::get_id());
  auto late = client.post_json("/v1/embeddings", "{}", std::chrono::seconds(5));
  EXPECT_EQ(late.failure, BackendFailure::kShuttingDown);
  EXPECT_EQ(client.pending(), 0u);
}

// ---- per-phase limits, connect failures, Retry-After, not_before ------------------------

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

// A backend whose answers the test writes: `handler` runs on the server's loop thread.
class ScriptedBackend {
 public:
  explicit ScriptedBackend(std::function<void(http::Request&, http::Responder)> handler)
      : handler_(std::move(handler)),
        server_(http::HttpServer::Options{}, [this](http::Request& request, http::Responder responder) {
          ++requests;
          handler_(request, std::move(responder));
        }) {
    server_.start();
  }
  uint16_t port() const { return server_.port(); }
  std::atomic<int> requests{0};

 private:
  std::function<void(http::Request&, http::Responder)> handler_;
  http::HttpServer server_;
};

uint16_t closed_port() {
  net::UniqueFd fd(net::listen_tcp(net::resolve("127.0.0.1", 0), false));
  return net::local_port(fd.get());
}

BackendClient::CallOptions call_options(std::chrono::milliseconds timeout) {
  BackendClient::CallOptions options;
  options.timeout = timeout;
  return options;
}

// An IMF-fixdate `from_now` ahead.
std::string http_date_in(std::chrono::seconds from_now) {
  time_t when = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
  tm parts{};
  gmtime_r(&when, &parts);
  char text[64];
  strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text;
}

TEST(BackendClientFailureTest, ARefusedConnectionIsAConnectFailure) {
  BackendClient client({"127.0.0.1", closed_port(), ""}, "", 1);
  auto response = client.post_json("/v1/embeddings", "{}", std::chrono::seconds(2));
  EXPECT_EQ(response.failure, BackendFailure::kConnect);
  EXPECT_NE(response.error.find("connection refused"), std::string::npos) << response.error;
}

TEST(BackendClientFailureTest, AConnectTimeoutIsAConnectFailure) {
  FullListener full;
  Outcome call;
  BackendClient client({"127.0.0.1", full.port, ""}, "", 1);
  auto options = call_options(std::chrono::seconds(5));
  options.connect_timeout = std::chrono::milliseconds(200);
  auto start = Clock::now();
  client.post_json_async("/v1/chat/completions", "{}", options, {}, call.completion());
  ASSERT_TRUE(call.arrives_within(std::chrono::seconds(3)));
  auto response = call.future.get();
  EXPECT_EQ(response.failure, BackendFailure::kConnect);
  EXPECT_EQ(response.error, "connect timed out after 200 ms");
  EXPECT_GE(call.at - start, std::chrono::milliseconds(195));
  EXPECT_LT(call.at - start, std::chrono::milliseconds(1500));
  EXPECT_EQ(client.pending(), 0u);
}

TEST(BackendClientFailureTest, AFirstByteTimeoutIsATimeoutAndTheTotalNamesTheCallsTimeout) {
  StuckBackend backend;
  Outcome first_byte, total;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 2);
  auto options = call_options(std::chrono::seconds(5));
  options.first_byte_timeout = std::chrono::milliseconds(150);
  auto start = Clock::now();
  client.post_json_async("/v1/chat/completions", "{}", options, {}, first_byte.completion());
  client.post_json_async("/v1/chat/completions", "{}", call_options(std::chrono::milliseconds(300)), {},
                         total.completion());
  ASSERT_TRUE(first_byte.arrives_within(std::chrono::seconds(3)));
  ASSERT_TRUE(total.arrives_within(std::chrono::seconds(3)));
  EXPECT_EQ(first_byte.future.get().failure, BackendFailure::kTimeout);
  EXPECT_EQ(first_byte.future.get().error, "no first byte within 150 ms");
  EXPECT_GE(first_byte.at - start, std::chrono::milliseconds(145));
  EXPECT_LT(first_byte.at - start, std::chrono::milliseconds(1500));
  EXPECT_EQ(total.future.get().failure, BackendFailure::kTimeout);
  EXPECT_EQ(total.future.get().error, "no complete response within 300 ms");
  EXPECT_EQ(backend.requests.load(), 2);  // both reached the backend: it may have worked on them
}

TEST(BackendClientFailureTest, AResetAfterTheRequestWentOutIsATransportFailure) {
  ScriptedBackend backend([](http::Request&, http::Responder responder) { responder.abort(); });
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  auto response = client.post_json("/v1/chat/completions", "{}", std::chrono::seconds(5));
  EXPECT_EQ(response.failure, BackendFailure::kTransport) << response.error;
  EXPECT_EQ(backend.requests.load(), 1);
}

TEST(BackendClientRetryAfterTest, ReadsDeltaSecondsAndTheThreeHttpDateForms) {
  using std::chrono::milliseconds;
  // Sun, 06 Nov 1994 08:49:37 GMT
  auto date = std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + std::chrono::hours{8} +
              std::chrono::minutes{49} + std::chrono::seconds{37};
  auto now = std::chrono::system_clock::time_point(date) - std::chrono::seconds(10);
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now), milliseconds((int64_t{1} << 31) * 1000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + std::chrono::hours(1)), milliseconds(0));
  for (const char* bad : {"", "soon", "-5", "5s", "1.5", "Sun, 06 Nov 1994 08:49:37", "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "Sun Nov 6 08:49:37 1994"}) {
    EXPECT_FALSE(parse_retry_after(bad, now).has_value()) << bad;
  }
}

TEST(BackendClientRetryAfterTest, ResponsesCarryTheirRetryAfter) {
  std::string date = http_date_in(std::chrono::seconds(30));
  ScriptedBackend backend([date](http::Request& request, http::Responder responder) {
    http::Headers headers;
    if (request.path() == "/v1/busy") headers.add("Retry-After", "7");
    if (request.path() == "/v1/down") headers.add("Retry-After", date);
    int status = request.path() == "/v1/fine" ? 200 : request.path() == "/v1/busy" ? 429 : 503;
    responder.send(status, "application/json", "{}", headers);
  });
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  auto busy = client.post_json("/v1/busy", "{}", std::chrono::seconds(5));
  EXPECT_EQ(busy.failure, BackendFailure::kNone);
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.retry_after, std::chrono::milliseconds(7000));
  auto down = client.post_json("/v1/down", "{}", std::chrono::seconds(5));
  EXPECT_EQ(down.status, 503);
  ASSERT_TRUE(down.retry_after.has_value());
  EXPECT_GT(*down.retry_after, std::chrono::seconds(28));  // the date has whole seconds
  EXPECT_LE(*down.retry_after, std::chrono::seconds(30));
  auto fine = client.post_json("/v1/fine", "{}", std::chrono::seconds(5));
  EXPECT_TRUE(fine.ok());
  EXPECT_FALSE(fine.retry_after.has_value());
}

TEST(BackendClientNotBeforeTest, ADelayedCallWaitsHoldingNoConnection) {
  StuckBackend backend;
  backend.hold = false;
  Outcome delayed, immediate;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  auto options = call_options(std::chrono::seconds(5));
  auto start = Clock::now();
  options.not_before = start + std::chrono::milliseconds(1000);
  client.post_json_async("/v1/embeddings", "{}", options, {}, delayed.completion());
  client.post_json_async("/v1/embeddings", "{}", call_options(std::chrono::seconds(5)), {}, immediate.completion());
  ASSERT_TRUE(immediate.arrives_within(std::chrono::seconds(2)));
  EXPECT_TRUE(immediate.future.get().ok());
  EXPECT_LT(immediate.at - start, std::chrono::milliseconds(900));  // the one connection was free
  EXPECT_FALSE(delayed.arrives_within(std::chrono::milliseconds(0)));
  EXPECT_EQ(client.pending(), 1u);  // the delayed call counts
  ASSERT_TRUE(delayed.arrives_within(std::chrono::seconds(3)));
  EXPECT_TRUE(delayed.future.get().ok());
  EXPECT_GE(delayed.at - start, std::chrono::milliseconds(1000));
  EXPECT_EQ(backend.requests.load(), 2);
  EXPECT_EQ(client.pending(), 0u);
}

TEST(BackendClientNotBeforeTest, DelayedCallsCountTowardTheBound) {
  StuckBackend backend;
  Outcome delayed, refused;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1, 0);
  auto options = call_options(std::chrono::seconds(5));
  options.not_before = Clock::now() + std::chrono::seconds(2);
  client.post_json_async("/v1/embeddings", "{}", options, {}, delayed.completion());
  client.post_json_async("/v1/embeddings", "{}", call_options(std::chrono::seconds(5)), {}, refused.completion());
  ASSERT_TRUE(refused.arrives_within(std::chrono::milliseconds(0)));
  EXPECT_EQ(refused.future.get().failure, BackendFailure::kOverloaded);
  client.shutdown();
  ASSERT_TRUE(delayed.arrives_within(std::chrono::milliseconds(0)));
  EXPECT_EQ(delayed.future.get().failure, BackendFailure::kShuttingDown);
  EXPECT_EQ(backend.requests.load(), 0);
}

TEST(BackendClientNotBeforeTest, ADelayedCallCanBeCancelledWhileItWaits) {
  StuckBackend backend;
  backend.hold = false;
  Outcome call;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  auto options = call_options(std::chrono::seconds(10));
  options.not_before = Clock::now() + std::chrono::seconds(5);
  auto cancel = std::make_shared<CancelSignal>();
  client.post_json_async("/v1/embeddings", "{}", options, {}, call.completion(), cancel);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto start = Clock::now();
  cancel->cancel();
  ASSERT_TRUE(call.arrives_within(std::chrono::seconds(2)));
  EXPECT_EQ(call.future.get().failure, BackendFailure::kCancelled);
  EXPECT_LT(call.at - start, std::chrono::milliseconds(500));
  EXPECT_EQ(backend.requests.load(), 0);
  EXPECT_EQ(client.pending(), 0u);
}

TEST(BackendClientNotBeforeTest, ANotBeforePastTheDeadlineFailsAtOnce) {
  StuckBackend backend;
  Outcome call;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  auto options = call_options(std::chrono::milliseconds(200));
  options.not_before = Clock::now() + std::chrono::seconds(1);
  client.post_json_async("/v1/embeddings", "{}", options, {}, call.completion());
  ASSERT_TRUE(call.arrives_within(std::chrono::milliseconds(0)));  // on the calling thread, before returning
  EXPECT_EQ(call.future.get().failure, BackendFailure::kTimeout);
  EXPECT_NE(call.future.get().error.find("may not start"), std::string::npos) << call.future.get().error;
  EXPECT_EQ(client.pending(), 0u);
  EXPECT_EQ(backend.requests.load(), 0);
}

TEST(BackendClientNotBeforeTest, TheDeadlineRunsFromTheCallNotFromItsStart) {
  StuckBackend backend;
  Outcome call;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  auto options = call_options(std::chrono::milliseconds(500));
  auto start = Clock::now();
  options.not_before = start + std::chrono::milliseconds(300);
  client.post_json_async("/v1/chat/completions", "{}", options, {}, call.completion());
  ASSERT_TRUE(call.arrives_within(std::chrono::seconds(3)));
  auto response = call.future.get();
  EXPECT_EQ(response.failure, BackendFailure::kTimeout);
  EXPECT_EQ(response.error, "no complete response within 500 ms");
  EXPECT_GE(call.at - start, std::chrono::milliseconds(495));
  EXPECT_LT(call.at - start, std::chrono::milliseconds(1200));
  EXPECT_EQ(backend.requests.load(), 1);
}

// ---- ChatGenerator::generate_async outcomes ---------------------------------------------

struct ChatResult {
  std::promise<ChatOutcome> promise;
  std::future<ChatOutcome> future = promise.get_future();
  ChatGenerator::OutcomeDone done() {
    return [this](ChatOutcome outcome) { promise.set_value(std::move(outcome)); };
  }
  ChatOutcome get() {
    EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    return future.get();
  }
};

TEST(ChatGeneratorOutcomeTest, AnAnswerAndANon2xxStatus) {
  FakeOpenAi fake;
  ChatResult ok, failed;  // declared first: they outlive the client's completions
  BackendClient client({"127.0.0.1", fake.port(), ""}, "", 2);
  ChatGenerator generator(client, "chat", std::chrono::seconds(5));
  generator.generate_async("capital?", {{"Geo", "Paris."}}, 0, call_options(std::chrono::seconds(5)), {}, ok.done());
  auto answer = ok.get();
  EXPECT_EQ(answer.text, "Paris [1].");
  EXPECT_EQ(answer.error, "");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.failure, BackendFailure::kNone);
  EXPECT_FALSE(answer.any_token);
  fake.fail = true;
  generator.generate_async("capital?", {}, 0, call_options(std::chrono::seconds(5)), {}, failed.done());
  auto error = failed.get();
  EXPECT_NE(error.error.find("answered 500"), std::string::npos) << error.error;
  EXPECT_EQ(error.failure, BackendFailure::kNone);
  EXPECT_EQ(error.status, 500);
}

TEST(ChatGeneratorOutcomeTest, A200WithoutAnAnswerIsAnError) {
  ScriptedBackend backend([](http::Request& request, http::Responder responder) {
    if (request.body.find("\"stream\":true") != std::string::npos) {
      responder.start_stream(200, "text/event-stream");
      responder.write("data: [DONE]\n\n");
      responder.finish();
    } else {
      responder.send(200, "application/json", R"({"choices":[]})");
    }
  });
  ChatResult whole, streamed;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 2);
  ChatGenerator generator(client, "chat", std::chrono::seconds(5));
  generator.generate_async("q?", {}, 0, call_options(std::chrono::seconds(5)), {}, whole.done());
  generator.generate_async("q?", {}, 0, call_options(std::chrono::seconds(5)), [](std::string_view) {},
                           streamed.done());
  for (auto outcome : {whole.get(), streamed.get()}) {
    EXPECT_FALSE(outcome.error.empty());
    EXPECT_EQ(outcome.failure, BackendFailure::kNone);
    EXPECT_EQ(outcome.status, 200);
    EXPECT_FALSE(outcome.any_token);
  }
}

TEST(ChatGeneratorOutcomeTest, AStreamThatBreaksAfterATokenKeepsItsTextAndSaysSo) {
  std::mutex mutex;
  std::vector<http::Responder> held;
  ScriptedBackend backend([&](http::Request&, http::Responder responder) {
    {
      std::lock_guard lock(mutex);
      held.push_back(responder);  // before the token: the test looks once it has seen it
    }
    responder.start_stream(200, "text/event-stream");
    responder.write("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n");
  });
  std::promise<void> first_token;
  auto tokens = std::make_shared<std::string>();
  ChatResult result;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  ChatGenerator generator(client, "chat", std::chrono::seconds(5));
  generator.generate_async("q?", {}, 0, call_options(std::chrono::seconds(5)),
                           [&, tokens](std::string_view token) {
                             if (tokens->empty()) first_token.set_value();
                             tokens->append(token);
                           },
                           result.done());
  ASSERT_EQ(first_token.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(held.size(), 1u);
    held[0].loop()->post([responder = held[0]]() mutable { responder.abort(); });
  }
  auto outcome = result.get();
  EXPECT_EQ(outcome.text, "Hel");
  EXPECT_TRUE(outcome.any_token);
  EXPECT_EQ(outcome.failure, BackendFailure::kTransport);
  EXPECT_FALSE(outcome.error.empty());
}

TEST(ChatGeneratorOutcomeTest, FailuresAndRetryAfterComeThrough) {
  ScriptedBackend backend([](http::Request&, http::Responder responder) {
    http::Headers headers;
    headers.add("Retry-After", "2");
    responder.send(429, "application/json", R"({"error":{"message":"slow down"}})", headers);
  });
  ChatResult limited, unreachable;
  BackendClient busy_client({"127.0.0.1", backend.port(), ""}, "", 1);
  BackendClient refused_client({"127.0.0.1", closed_port(), ""}, "", 1);
  ChatGenerator busy(busy_client, "chat", std::chrono::seconds(5));
  ChatGenerator refused(refused_client, "chat", std::chrono::seconds(5));
  busy.generate_async("q?", {}, 0, call_options(std::chrono::seconds(5)), {}, limited.done());
  refused.generate_async("q?", {}, 0, call_options(std::chrono::seconds(5)), [](std::string_view) {},
                         unreachable.done());
  auto outcome = limited.get();
  EXPECT_EQ(outcome.status, 429);
  EXPECT_EQ(outcome.retry_after, std::chrono::milliseconds(2000));
  EXPECT_FALSE(outcome.error.empty());
  outcome = unreachable.get();
  EXPECT_EQ(outcome.failure, BackendFailure::kConnect);
  EXPECT_EQ(outcome.status, 0);
  EXPECT_FALSE(outcome.any_token);
  EXPECT_NE(outcome.error.find("chat request failed"), std::string::npos) << outcome.error;
}

TEST(ChatGeneratorOutcomeTest, TheCallOptionsApply) {
  StuckBackend backend;
  ChatResult result;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  ChatGenerator generator(client, "chat", std::chrono::seconds(30));
  auto options = call_options(std::chrono::seconds(5));
  options.first_byte_timeout = std::chrono::milliseconds(100);
  generator.generate_async("q?", {}, 0, options, [](std::string_view) {}, result.done());
  auto outcome = result.get();
  EXPECT_EQ(outcome.failure, BackendFailure::kTimeout);
  EXPECT_NE(outcome.error.find("no first byte within 100 ms"), std::string::npos) << outcome.error;
}

// ---- OpenAiEmbedder::embed_async -----------------------------------------------------

struct EmbedResult {
  std::promise<std::pair<std::vector<Embedding>, std::string>> promise;
  std::future<std::pair<std::vector<Embedding>, std::string>> future = promise.get_future();
  std::thread::id thread;
  std::function<void(std::vector<Embedding>, std::string)> done() {
    return [this](std::vector<Embedding> vectors, std::string error) {
      thread = std::this_thread::get_id();
      promise.set_value({std::move(vectors), std::move(error)});
    };
  }
  bool ready() const { return future.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready; }
  std::pair<std::vector<Embedding>, std::string> get() {
    EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    return future.get();
  }
};

TEST(OpenAiEmbedderAsyncTest, OneRequestForAllTextsNormalizedOnTheLoopThread) {
  FakeOpenAi fake;
  EmbedResult result;
  BackendClient client({"127.0.0.1", fake.port(), ""}, "", 2);
  OpenAiEmbedder embedder(client, "emb", 2, std::chrono::seconds(5));
  int before = fake.requests.load();
  embedder.embed_async({"a", "b", "c"}, std::chrono::seconds(5), result.done());
  auto [vectors, error] = result.get();
  EXPECT_EQ(error, "");
  EXPECT_EQ(fake.requests.load() - before, 1);  // one request, whatever the batch size
  EXPECT_NE(result.thread, std::this_thread::get_id());
  ASSERT_EQ(vectors.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(vectors[i].size(), 3u);
    float norm = 0;
    for (float v : vectors[i]) norm += v * v;
    EXPECT_NEAR(norm, 1.0f, 1e-5) << i;
  }
  EXPECT_NEAR(vectors[0][0], 0.6f, 1e-6);
  EXPECT_FLOAT_EQ(vectors[0][2], 0.0f);
  EXPECT_GT(vectors[2][2], vectors[1][2]);  // input order: [3,4,1] then [3,4,2]
}

TEST(OpenAiEmbedderAsyncTest, FailuresAndAnotherDimensionAreErrors) {
  std::atomic<int> width{3};
  std::atomic<bool> fail{false}, duplicate{false};
  ScriptedBackend backend([&](http::Request&, http::Responder responder) {
    if (fail) {
      responder.send(500, "application/json", R"({"error":"boom"})");
      return;
    }
    if (duplicate) {  // two vectors, both claiming index 0
      responder.send(200, "application/json",
                     R"({"data":[{"index":0,"embedding":[1,1,1]},{"index":0,"embedding":[1,1,1]}]})");
      return;
    }
    std::string vector = "[1";
    for (int i = 1; i < width; ++i) vector += ",1";
    responder.send(200, "application/json", R"({"data":[{"index":0,"embedding":)" + vector + "]}]}");
  });
  EmbedResult wider, unfilled, failed;
  BackendClient client({"127.0.0.1", backend.port(), ""}, "", 1);
  OpenAiEmbedder embedder(client, "emb", 8, std::chrono::seconds(5));
  ASSERT_EQ(embedder.dimension(), 3u);
  width = 4;
  embedder.embed_async({"a"}, std::chrono::seconds(5), wider.done());
  auto [vectors, error] = wider.get();
  EXPECT_TRUE(vectors.empty());
  EXPECT_NE(error.find("dimension 4 instead of 3"), std::string::npos) << error;
  try {
    embedder.embed({"a"});  // the blocking path checks the same
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("dimension 4 instead of 3"), std::string::npos) << e.what();
  }
  duplicate = true;
  embedder.embed_async({"a", "b"}, std::chrono::seconds(5), unfilled.done());
  auto [partial, gap] = unfilled.get();
  EXPECT_TRUE(partial.empty());
  EXPECT_NE(gap.find("repeats index 0"), std::string::npos) << gap;
  fail = true;
  embedder.embed_async({"a"}, std::chrono::seconds(5), failed.done());
  auto [none, failure] = failed.get();
  EXPECT_TRUE(none.empty());
  EXPECT_NE(failure.find("answered 500"), std::string::npos) << failure;
}

TEST(OpenAiEmbedderAsyncTest, RefusedOrEmptyCallsCompleteAtOnceOnTheCallingThread) {
  FakeOpenAi fake;
  EmbedResult empty, refused;
  BackendClient client({"127.0.0.1", fake.port(), ""}, "", 1);
  OpenAiEmbedder embedder(client, "emb", 8, std::chrono::seconds(5));
  int before = fake.requests.load();
  embedder.embed_async({}, std::chrono::seconds(5), empty.done());
  ASSERT_TRUE(empty.ready());
  EXPECT_EQ(empty.thread, std::this_thread::get_id());
  auto [no_vectors, no_error] = empty.get();
  EXPECT_TRUE(no_vectors.empty());
  EXPECT_EQ(no_error, "");
  client.shutdown();
  embedder.embed_async({"a"}, std::chrono::seconds(5), refused.done());
  ASSERT_TRUE(refused.ready());
  EXPECT_EQ(refused.thread, std::this_thread::get_id());
  auto [vectors, error] = refused.get();
  EXPECT_TRUE(vectors.empty());
  EXPECT_NE(error.find("interrupted"), std::string::npos) << error;
  EXPECT_EQ(fake.requests.load(), before);
}

}  // namespace
}  // namespace ragscale::serve
