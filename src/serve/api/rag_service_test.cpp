#include "serve/api/rag_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;

// A chat backend that takes every request and never answers (a model stuck on its work).
class SilentBackend {
 public:
  SilentBackend()
      : server_(http::HttpServer::Options{}, [this](http::Request&, http::Responder responder) {
          held_.push_back(std::move(responder));
          ++requests;
        }) {
    server_.start();
  }
  uint16_t port() const { return server_.port(); }
  std::atomic<int> requests{0};

 private:
  std::vector<http::Responder> held_;  // loop thread only; outlives the server's threads
  http::HttpServer server_;
};

// One blocking HTTP/1.1 exchange on loopback; returns what came back before EOF or `wait`.
std::string exchange(uint16_t port, const std::string& request, std::chrono::milliseconds wait = 10s) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>(wait.count() % 1000 * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) reply.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return reply;
}

std::string post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class RagServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("ragscale-service-test-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  ServeConfig config_for(uint16_t llm_port) {
    ServeConfig config;
    config.port = 0;
    config.data_dir = directory_.string();
    config.workers = 2;
    config.llm_url = "http://127.0.0.1:" + std::to_string(llm_port);
    config.llm_timeout = 30s;
    config.shutdown_grace = 100ms;
    return config;
  }

  static void wait_ready(uint16_t port) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (exchange(port, "GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 200", 0) == 0) {
        return;
      }
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "service not ready";
  }

  std::filesystem::path directory_;
};

// Model calls still waiting at shutdown used to complete from the backend client's
// destructor, after the server's loops were freed, and post their answers to them (a
// use-after-free AddressSanitizer reports). Plain and streamed queries both.
TEST_F(RagServiceTest, ShutdownWithModelCallsInFlightTouchesNoFreedLoop) {
  SilentBackend backend;
  RagService service(config_for(backend.port()));
  service.start();
  wait_ready(service.port());
  std::thread plain([&] { exchange(service.port(), post("/query", R"({"question":"what is hnsw?"})")); });
  std::thread streamed(
      [&] { exchange(service.port(), post("/query", R"({"question":"what is rrf?","stream":true})")); });
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (backend.requests.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(backend.requests.load(), 2);
  auto start = std::chrono::steady_clock::now();
  service.shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // the 30 s model timeout is not waited for
  plain.join();
  streamed.join();
}

}  // namespace
}  // namespace ragscale::serve
