#include "serve/query/query_embedder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "http/server.h"
#include "serve/backend/backend_client.h"

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;

// An embeddings backend that answers every request after `latency`, counting requests
// and the most it ever had open at once.
class SlowEmbeddings {
 public:
  explicit SlowEmbeddings(std::chrono::milliseconds latency)
      : latency_(latency), server_(http::HttpServer::Options{}, [this](http::Request& request, http::Responder r) {
          rapidjson::Document parsed;
          parsed.Parse(request.body.c_str());
          size_t inputs = parsed.HasMember("input") && parsed["input"].IsArray() ? parsed["input"].Size() : 1;
          std::string body = R"({"object":"list","data":[)";
          for (size_t i = 0; i < inputs; ++i) {
            body += (i ? "," : "") + std::string(R"({"index":)") + std::to_string(i) + R"(,"embedding":[1,0,0]})";
          }
          body += "]}";
          int open = ++open_;
          int seen = peak_.load();
          while (open > seen && !peak_.compare_exchange_weak(seen, open)) {
          }
          ++requests_;
          std::thread([this, r, body] {
            std::this_thread::sleep_for(latency_);
            --open_;
            r.loop()->post([r, body]() mutable { r.send(200, "application/json", body); });
          }).detach();
        }) {
    server_.start();
  }
  ~SlowEmbeddings() {
    // Answers still sleeping post to the server's loop: let them land first.
    std::this_thread::sleep_for(latency_ + 50ms);
  }
  uint16_t port() const { return server_.port(); }
  int requests() const { return requests_.load(); }
  int peak_open() const { return peak_.load(); }

 private:
  std::chrono::milliseconds latency_;
  std::atomic<int> requests_{0};
  std::atomic<int> open_{0};
  std::atomic<int> peak_{0};
  http::HttpServer server_;
};

// Embeds `count` questions, one every `gap`, and waits for every answer.
void embed_spread(QueryEmbedder& embedder, int count, std::chrono::microseconds gap) {
  std::mutex mutex;
  std::condition_variable all_done;
  int answered = 0;
  int with_vector = 0;
  for (int i = 0; i < count; ++i) {
    embedder.embed("question " + std::to_string(i), [&](std::optional<Embedding> vector, std::string) {
      std::lock_guard lock(mutex);
      ++answered;
      if (vector) ++with_vector;
      all_done.notify_one();
    });
    std::this_thread::sleep_for(gap);
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(all_done.wait_for(lock, 10s, [&] { return answered == count; }));
  EXPECT_EQ(with_vector, count);
}

struct EmbedderRig {
  explicit EmbedderRig(std::chrono::milliseconds latency, QueryEmbedder::Options options)
      : backend(latency),
        client({"127.0.0.1", backend.port(), ""}, "", 16),
        remote(client, "emb", 64, 5s),
        breaker(resilience::CircuitBreakerOptions{}),
        embedder(remote, breaker, options, metrics) {}
  SlowEmbeddings backend;
  BackendClient client;
  OpenAiEmbedder remote;
  resilience::CircuitBreaker breaker;
  PipelineMetrics metrics;
  QueryEmbedder embedder;
};

TEST(QueryEmbedderTest, QuestionsThatTrickleInGatherWhileARequestIsOut) {
  QueryEmbedder::Options options;
  options.max_batch = 64;
  options.max_delay = 1ms;
  options.max_in_flight = 1;
  EmbedderRig rig(20ms, options);
  int before = rig.backend.requests();  // OpenAiEmbedder asks once for the dimension
  // 40 questions over about 80 ms against a 20 ms backend: a window per question would
  // make ~40 requests; gathering while one is out makes about 80 / 20 + 1.
  embed_spread(rig.embedder, 40, 2ms);
  int requests = rig.backend.requests() - before;
  EXPECT_GE(requests, 2);
  EXPECT_LE(requests, 10);
  EXPECT_EQ(rig.backend.peak_open(), 1);
}

TEST(QueryEmbedderTest, FullBatchesGoAtOnceWhateverIsInFlight) {
  QueryEmbedder::Options options;
  options.max_batch = 4;
  options.max_delay = 1s;  // only full batches can leave before the end of the test
  options.max_in_flight = 1;
  EmbedderRig rig(100ms, options);
  int before = rig.backend.requests();
  auto start = std::chrono::steady_clock::now();
  embed_spread(rig.embedder, 12, 0us);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(rig.backend.requests() - before, 3);
  EXPECT_GE(rig.backend.peak_open(), 2);  // the bound did not hold full batches back
  EXPECT_LT(elapsed, 900ms);
}

TEST(QueryEmbedderTest, CachedQuestionsNeedNoRequest) {
  EmbedderRig rig(5ms, QueryEmbedder::Options{});
  embed_spread(rig.embedder, 3, 0us);
  int before = rig.backend.requests();
  embed_spread(rig.embedder, 3, 0us);
  EXPECT_EQ(rig.backend.requests(), before);
}

}  // namespace
}  // namespace ragscale::serve
