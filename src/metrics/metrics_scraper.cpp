#include "metrics/metrics_scraper.h"

#include <stdexcept>

#include "http/client_connection.h"
#include "http/request_format.h"
#include "load/scenario/target_url.h"
#include "metrics/process_metrics.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace ragscale::metrics {
namespace {

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct MetricsScraper::Loop {
  struct Target final : http::ClientConnection::Listener {
    Target(Loop& owner, std::string url_text, const scenario::TargetUrl& url)
        : owner(owner),
          address(net::resolve(url.host, url.port)),
          connection(owner.loop, address, this),
          request(http::format_request("GET", url.base_path, url.host_header(), {{"Accept", "text/plain"}}, {})) {
      result.url = std::move(url_text);
    }

    void on_response(http::ClientConnection&, const http::ClientResult& response) override {
      const double t = wall_now() - owner.start_unix;
      if (response.error != http::ClientError::kNone || response.status != 200) {
        ++result.failures;
        result.last_failure = response.error != http::ClientError::kNone
                                  ? std::string(http::to_string(response.error)) + ": " + response.error_detail
                                  : "HTTP " + std::to_string(response.status);
        return;
      }
      const Exposition exposition = parse_prometheus_text(response.body);
      result.problems += exposition.problems.size();
      series.add_scrape(t, exposition);
      ++result.scrapes;
    }

    Loop& owner;
    net::SocketAddress address;
    http::ClientConnection connection;
    std::string request;
    ScrapeSeries series;
    ScrapedTarget result;
    int ticks_busy = 0;
  };

  explicit Loop(std::chrono::milliseconds every) : interval(every), tick([this] { on_tick(); }) {}

  void on_tick() {
    const double t = wall_now() - start_unix;
    const double cpu = process_cpu_seconds();
    if (last_tick_t >= 0 && t > last_tick_t) {
      generator["ragscale_load_cpu_cores"].push_back({t, (cpu - last_cpu) / (t - last_tick_t)});
    }
    last_tick_t = t;
    last_cpu = cpu;
    const net::LoopLag::Reading lag = loop_lag.take();
    if (lag.samples > 0) {
      generator["ragscale_load_loop_lag_seconds"].push_back({t, lag.max_seconds});
      generator["ragscale_load_loop_lag_mean_seconds"].push_back({t, lag.mean_seconds});
    }
    for (auto& target : targets) {
      if (target->connection.busy()) {
        if (++target->ticks_busy >= 2) {  // a stuck scrape: start over on a new connection
          target->connection.close();
          target->ticks_busy = 0;
        }
        continue;
      }
      target->ticks_busy = 0;
      http::ClientConnection::RequestOptions options;
      options.capture_body = true;
      options.timeout = interval * 2;
      target->connection.send(target->request, options);
    }
    loop.arm_after(tick, interval);
  }

  net::EventLoop loop;
  std::chrono::milliseconds interval;
  net::Timer tick;
  std::vector<std::unique_ptr<Target>> targets;
  double start_unix = 0;
  double last_tick_t = -1;
  double last_cpu = 0;
  net::LoopLag loop_lag;
  std::map<std::string, std::vector<SeriesPoint>> generator;
};

MetricsScraper::MetricsScraper(const std::vector<std::string>& urls, std::chrono::milliseconds interval)
    : loop_(std::make_unique<Loop>(interval)) {
  if (interval.count() < 100) throw std::invalid_argument("--scrape-interval: must be 100ms or more");
  for (const auto& text : urls) {
    scenario::TargetUrl url;
    try {
      url = scenario::parse_target_url(text);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("--scrape " + text + ": " + error.what());
    }
    if (url.tls()) throw std::invalid_argument("--scrape " + text + ": only http:// metrics endpoints can be scraped");
    try {
      loop_->targets.push_back(std::make_unique<Loop::Target>(*loop_, text, url));
    } catch (const std::runtime_error& error) {
      throw std::invalid_argument("--scrape " + text + ": " + error.what());
    }
  }
}

MetricsScraper::~MetricsScraper() { stop(); }

void MetricsScraper::start(double start_unix) {
  loop_->start_unix = start_unix;
  loop_->loop.post([this] { loop_->on_tick(); });
  thread_ = std::thread([this] { loop_->loop.run(); });
}

void MetricsScraper::stop() {
  if (!thread_.joinable()) return;
  loop_->loop.stop();
  thread_.join();
}

net::LoopLag& MetricsScraper::loop_lag() { return loop_->loop_lag; }

std::vector<ScrapedTarget> MetricsScraper::results() const {
  std::vector<ScrapedTarget> out;
  ScrapedTarget generator;
  generator.url = "generator";
  generator.series = loop_->generator;
  const auto cpu = loop_->generator.find("ragscale_load_cpu_cores");
  generator.scrapes = cpu == loop_->generator.end() ? 0 : cpu->second.size();
  out.push_back(std::move(generator));
  for (const auto& target : loop_->targets) {
    ScrapedTarget result = target->result;
    result.series = target->series.series();
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace ragscale::metrics
