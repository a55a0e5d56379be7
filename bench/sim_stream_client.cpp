// sim_stream_client: holds N streamed chat completions open against `ragscale sim`
// (closed loop: each stream that ends is replaced at once) and reports streamed tokens
// per second, the streams open at once, time to first token and errors. Built by
// bench/sim_streams.sh against the project's network core.
//
// Usage: sim_stream_client --port P [--host H] [--streams N] [--seconds S]
//                          [--ramp-seconds R] [--max-tokens M]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "http/client_connection.h"
#include "http/request_format.h"
#include "net/event_loop.h"
#include "net/socket.h"

using namespace ragscale;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int streams = 1000;
  double seconds = 20;
  double ramp_seconds = 2;
  int max_tokens = 100;
};

struct Totals {
  uint64_t tokens = 0;
  uint64_t completed = 0;
  uint64_t errors = 0;
  int open = 0;
  int peak_open = 0;
  std::vector<double> ttft_ms;
};

constexpr std::string_view kTokenMarker = "\"delta\":{\"content\":\"";

class Stream final : public http::ClientConnection::Listener {
 public:
  Stream(net::EventLoop& loop, const net::SocketAddress& address, const std::string& request, Totals& totals,
         const bool& stopping)
      : connection_(loop, address, this), request_(request), totals_(totals), stopping_(stopping) {
    options_.timeout = std::chrono::seconds(120);
    options_.on_body_piece = [this](std::string_view piece) { on_piece(piece); };
  }

  void send() {
    started_ = net::Clock::now();
    first_seen_ = false;
    carry_.clear();
    ++totals_.open;
    totals_.peak_open = std::max(totals_.peak_open, totals_.open);
    connection_.send(request_, options_);
  }

  void on_response(http::ClientConnection&, const http::ClientResult& result) override {
    --totals_.open;
    if (result.error != http::ClientError::kNone || result.status != 200) ++totals_.errors;
    else ++totals_.completed;
    if (!stopping_) send();
  }

 private:
  void on_piece(std::string_view piece) {
    // A marker may straddle two pieces: check the seam (the last piece's tail and this
    // piece's head), then this piece itself.
    uint64_t found = 0;
    if (!carry_.empty()) {
      std::string seam = carry_;
      seam.append(piece.substr(0, kTokenMarker.size() - 1));
      if (seam.find(kTokenMarker) != std::string::npos) ++found;
    }
    for (size_t at = piece.find(kTokenMarker); at != std::string_view::npos; at = piece.find(kTokenMarker, at + 1)) {
      ++found;
    }
    if (found > 0 && !first_seen_) {
      first_seen_ = true;
      totals_.ttft_ms.push_back(std::chrono::duration<double, std::milli>(net::Clock::now() - started_).count());
    }
    totals_.tokens += found;
    size_t keep = std::min(piece.size(), kTokenMarker.size() - 1);
    carry_.assign(piece.substr(piece.size() - keep));
  }

  http::ClientConnection connection_;
  const std::string& request_;
  Totals& totals_;
  const bool& stopping_;
  http::ClientConnection::RequestOptions options_;
  net::TimePoint started_;
  bool first_seen_ = false;
  std::string carry_;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(values.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--host") options.host = value;
    else if (flag == "--port") options.port = std::atoi(value);
    else if (flag == "--streams") options.streams = std::atoi(value);
    else if (flag == "--seconds") options.seconds = std::atof(value);
    else if (flag == "--ramp-seconds") options.ramp_seconds = std::atof(value);
    else if (flag == "--max-tokens") options.max_tokens = std::atoi(value);
    else {
      std::fprintf(stderr, "sim_stream_client: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  net::EventLoop loop;
  net::SocketAddress address = net::resolve(options.host, static_cast<uint16_t>(options.port));
  std::string body = "{\"model\":\"bench\",\"stream\":true,\"max_tokens\":" + std::to_string(options.max_tokens) +
                     ",\"messages\":[{\"role\":\"user\",\"content\":\"Explain how a load test finds the capacity of a "
                     "retrieval-augmented generation service.\"}]}";
  std::string request = http::format_request("POST", "/v1/chat/completions", options.host + ":" + std::to_string(options.port),
                                             {{"Content-Type", "application/json"}}, body);
  Totals totals;
  bool stopping = false;
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < options.streams; ++i) {
    streams.push_back(std::make_unique<Stream>(loop, address, request, totals, stopping));
  }

  // Streams start spread over the ramp, so the listener's backlog is never flooded.
  const auto start = net::Clock::now();
  int started = 0;
  std::function<void()> ramp_step;
  net::Timer ramp([&] { ramp_step(); });
  ramp_step = [&] {
    double elapsed = std::chrono::duration<double>(net::Clock::now() - start).count();
    int due = options.ramp_seconds <= 0 ? options.streams
                                        : std::min(options.streams, static_cast<int>(options.streams * elapsed / options.ramp_seconds) + 1);
    while (started < due) streams[static_cast<size_t>(started++)]->send();
    if (started < options.streams) loop.arm_after(ramp, std::chrono::milliseconds(5));
  };
  loop.arm_after(ramp, std::chrono::milliseconds(0));

  // Once a second: tokens that second and streams open.
  uint64_t last_tokens = 0;
  uint64_t steady_tokens_start = 0;
  net::TimePoint steady_start{};
  int second = 0;
  std::printf("second,tokens_per_s,open_streams,completed,errors\n");
  std::function<void()> report_step;
  net::Timer report([&] { report_step(); });
  report_step = [&] {
    ++second;
    std::printf("%d,%llu,%d,%llu,%llu\n", second, static_cast<unsigned long long>(totals.tokens - last_tokens), totals.open,
                static_cast<unsigned long long>(totals.completed), static_cast<unsigned long long>(totals.errors));
    std::fflush(stdout);
    last_tokens = totals.tokens;
    if (second == static_cast<int>(options.ramp_seconds) + 2) {
      steady_start = net::Clock::now();
      steady_tokens_start = totals.tokens;
    }
    if (second >= options.seconds) {
      double steady = std::chrono::duration<double>(net::Clock::now() - steady_start).count();
      std::printf("summary: streams=%d peak_open=%d steady_tokens_per_s=%.0f completed=%llu errors=%llu "
                  "ttft_ms_p50=%.1f ttft_ms_p99=%.1f\n",
                  options.streams, totals.peak_open, static_cast<double>(totals.tokens - steady_tokens_start) / steady,
                  static_cast<unsigned long long>(totals.completed), static_cast<unsigned long long>(totals.errors),
                  percentile(totals.ttft_ms, 50), percentile(totals.ttft_ms, 99));
      stopping = true;
      loop.stop();
      return;
    }
    loop.arm_after(report, std::chrono::seconds(1));
  };
  loop.arm_after(report, std::chrono::seconds(1));
  loop.run();
  return 0;
}
