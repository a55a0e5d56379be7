// ragscale-testserver: a small HTTP server with predictable behaviour, for the
// integration tests and the accuracy benchmarks. Routes:
//   /                 200 "ok"
//   /status/NNN       answers with status NNN
//   /delay/MS         answers after MS milliseconds
//   /json             a JSON document ({"id":..., "status":"ready", ...})
//   /echo             echoes what it received as JSON: {"method", "target", "headers":
//                     [[name, value], ...] in the order received, "body"}
//   /echoed           the last 256 answers of /echo, oldest first, as a JSON array (what
//                     the server received, for tests to check against what was sent)
//   /reset            resets the connection without answering
//   /hang             never answers
//   /count            how many requests each path has seen, as JSON
// Flags: --port N (0 = any; the chosen port is printed as "listening on PORT"),
//   --status NNN (the status of "/" and of every path not listed above; default 200),
//   --threads N, --delay-ms MS (every answer waits MS), --stall-at-ms T --stall-for-ms D
//   (a whole-server pause: requests arriving in [T, T+D) after start are answered at T+D).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "http/response_format.h"
#include "http/server.h"

using namespace ragscale;

namespace {

struct Settings {
  int port = 0;
  int status = 200;  // of "/" and unknown paths
  int threads = 1;
  double delay_ms = 0;
  double stall_at_ms = -1;
  double stall_for_ms = 0;
};

std::mutex counts_mutex;
std::map<std::string, long> counts;
constexpr size_t kEchoesKept = 256;
std::mutex echoes_mutex;
std::deque<std::string> echoes;  // the latest answers of /echo
volatile std::sig_atomic_t stop_requested = 0;

// A reply waiting on a timer; frees itself when it fires.
struct DelayedReply {
  http::Responder responder;
  http::Response response;
  net::Timer timer;
  explicit DelayedReply(http::Responder r, http::Response resp)
      : responder(std::move(r)), response(std::move(resp)), timer([this] {
          responder.send(std::move(response));
          auto* loop = responder.loop();
          if (loop) loop->defer([this] { delete this; });
          else delete this;
        }) {}
};

http::Response make_response(http::Request& request, int default_status) {
  http::Response response;
  response.status = 200;
  std::string path(request.path());
  if (path.rfind("/status/", 0) == 0) {
    response.status = std::atoi(path.c_str() + 8);
    if (response.status < 100 || response.status > 599) response.status = 400;
    response.body = "status " + std::to_string(response.status) + "\n";
    response.headers.add("Content-Type", "text/plain");
  } else if (path == "/json") {
    response.body = R"({"id":"doc-42","status":"ready","answer":"Machine learning is a field of AI.","items":[1,2,3]})";
    response.headers.add("Content-Type", "application/json");
  } else if (path == "/echo") {
    std::string body = "{\"method\":\"";
    http::append_json_escaped(body, request.method);
    body += "\",\"target\":\"";
    http::append_json_escaped(body, request.target);
    body += "\",\"headers\":[";
    bool first = true;
    for (const auto& [name, value] : request.headers) {
      body += first ? "[\"" : ",[\"";
      first = false;
      http::append_json_escaped(body, name);
      body += "\",\"";
      http::append_json_escaped(body, value);
      body += "\"]";
    }
    body += "],\"body\":\"";
    http::append_json_escaped(body, request.body);
    body += "\"}";
    {
      std::lock_guard lock(echoes_mutex);
      echoes.push_back(body);
      if (echoes.size() > kEchoesKept) echoes.pop_front();
    }
    response.body = std::move(body);
    response.headers.add("Content-Type", "application/json");
  } else if (path == "/echoed") {
    std::lock_guard lock(echoes_mutex);
    std::string body = "[";
    for (const auto& echo : echoes) {
      if (body.size() > 1) body += ",";
      body += echo;
    }
    body += "]";
    response.body = std::move(body);
    response.headers.add("Content-Type", "application/json");
  } else if (path == "/count") {
    std::lock_guard lock(counts_mutex);
    std::string body = "{";
    for (const auto& [key, value] : counts) {
      if (body.size() > 1) body += ",";
      body += "\"";
      http::append_json_escaped(body, key);
      body += "\":" + std::to_string(value);
    }
    body += "}";
    response.body = std::move(body);
    response.headers.add("Content-Type", "application/json");
  } else {
    response.status = default_status;
    response.body = default_status == 200 ? "ok\n" : "status " + std::to_string(default_status) + "\n";
    response.headers.add("Content-Type", "text/plain");
  }
  return response;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> double {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ragscale-testserver: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return std::atof(argv[++i]);
    };
    if (arg == "--port") settings.port = static_cast<int>(value());
    else if (arg == "--status") settings.status = static_cast<int>(value());
    else if (arg == "--threads") settings.threads = static_cast<int>(value());
    else if (arg == "--delay-ms") settings.delay_ms = value();
    else if (arg == "--stall-at-ms") settings.stall_at_ms = value();
    else if (arg == "--stall-for-ms") settings.stall_for_ms = value();
    else {
      std::fprintf(stderr, "ragscale-testserver: unknown flag %s\n", arg.c_str());
      return 2;
    }
  }
  if (settings.status < 100 || settings.status > 599) {
    std::fprintf(stderr, "ragscale-testserver: --status must be an HTTP status (100..599)\n");
    return 2;
  }

  const auto started = net::Clock::now();
  auto since_start_ms = [&] {
    return std::chrono::duration<double, std::milli>(net::Clock::now() - started).count();
  };

  http::HttpServer::Options options;
  options.port = static_cast<uint16_t>(settings.port);
  options.threads = settings.threads;
  http::HttpServer server(options, [&](http::Request& request, http::Responder responder) {
    std::string path(request.path());
    {
      std::lock_guard lock(counts_mutex);
      ++counts[request.method + " " + path];
    }
    if (path == "/reset") {
      responder.abort();
      return;
    }
    if (path == "/hang") return;  // the responder is dropped; the connection stays open
    double delay = settings.delay_ms;
    if (path.rfind("/delay/", 0) == 0) delay = std::atof(path.c_str() + 7);
    double now_ms = since_start_ms();
    if (settings.stall_at_ms >= 0 && now_ms >= settings.stall_at_ms &&
        now_ms < settings.stall_at_ms + settings.stall_for_ms) {
      delay = std::max(delay, settings.stall_at_ms + settings.stall_for_ms - now_ms);
    }
    http::Response response = make_response(request, settings.status);
    if (delay <= 0) {
      responder.send(std::move(response));
      return;
    }
    auto* reply = new DelayedReply(responder, std::move(response));
    responder.loop()->arm(reply->timer,
                          net::Clock::now() + std::chrono::microseconds(static_cast<long>(delay * 1000)));
  });
  try {
    server.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ragscale-testserver: %s\n", e.what());
    return 1;
  }
  std::printf("listening on %u\n", server.port());
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  while (!stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.shutdown(std::chrono::milliseconds(1000));
  return 0;
}
