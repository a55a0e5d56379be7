#include <string>
#include <vector>

#include "diagnose/rules.h"

namespace ragscale::diagnose {
namespace {

// Series whose growth names the queue that filled, with what they mean, from the model
// inward to the client: the deepest limit that filled is the one to raise first.
struct Queue {
  const char* metric;
  const char* capacity_metric;  // when set, "full" means at ≥ 95% of it
  const char* meaning;
  const char* labels = "";      // only these label sets (see RunEvidence::scraped)
  // Seconds (a histogram's p95) are shown in ms, and a wait under 5 ms is no queue; a
  // count must reach 1.
  bool seconds = false;
};
constexpr Queue kQueues[] = {
    {"ragscale_sim_active_generations", "ragscale_sim_generation_slots", "the model's generation slots"},
    {"ragscale_sim_queue_depth", nullptr, "requests queued for a generation slot at the model"},
    {"ragscale_sim_queue_wait_seconds:p95", nullptr, "the wait for a generation slot at the model", "", true},
    {"ragscale_llm_queue_wait_seconds:p95", nullptr, "serve's wait for a place among its model calls", "", true},
    {"ragscale_backend_in_flight", nullptr, "serve's model calls in flight", "backend=\"llm\""},
    {"ragscale_worker_threads_busy", "ragscale_worker_threads", "serve's worker threads"},
    {"ragscale_worker_queue_wait_seconds:p95", nullptr, "the wait for one of serve's worker threads", "", true},
    {"ragscale_worker_queue", nullptr, "serve's worker pool (tasks waiting or running)"},
    {"ragscale_in_flight_requests", nullptr, "requests in flight inside serve"},
    {"ragscale_open_connections", nullptr, "open client connections"},
};

std::string shown(const Queue& queue, double value) {
  return queue.seconds ? number(value * 1000, 1) + " ms" : number(value, 1);
}

}  // namespace

std::optional<Finding> check_throughput_plateau(const RunEvidence& run) {
  const double d = run.duration_s();
  if (d < 8) return std::nullopt;
  const auto mid_rps = run.requests_per_second().mean_between(d * 0.25, d * 0.5);
  const auto end_rps = run.requests_per_second().mean_between(d * 0.75, d);
  const auto mid_users = run.users().mean_between(d * 0.25, d * 0.5);
  const auto end_users = run.users().mean_between(d * 0.75, d);
  const auto mid_p95 = run.p95_ms().mean_between(d * 0.25, d * 0.5);
  const auto end_p95 = run.p95_ms().mean_between(d * 0.75, d);
  if (!mid_rps || !end_rps || *mid_rps <= 0 || !mid_p95 || !end_p95) return std::nullopt;
  const bool flat = *end_rps <= *mid_rps * 1.10;
  // More users (by 30% and at least 2) with latency rising too, or latency up by half and
  // by 5 ms at least: a sub-millisecond p95 moves by half on a shared machine's scheduling
  // noise alone, and a constant arrival rate keeps requests/s flat by design.
  const bool more_users = mid_users && end_users && *mid_users > 0 && *end_users >= *mid_users * 1.3 &&
                          *end_users - *mid_users >= 2 && *end_p95 >= *mid_p95 * 1.2;
  const bool slower = *end_p95 >= *mid_p95 * 1.5 && *end_p95 - *mid_p95 >= 5;
  if (!flat || !(more_users || slower)) return std::nullopt;

  Finding finding;
  finding.rule = "throughput_plateau";
  finding.severity = slower ? 0.85 : 0.7;
  finding.title = "throughput stopped growing at about " + number(*end_rps, 1) + " requests/s: the target hit a limit";
  std::string change = "requests/s " + number(*mid_rps, 1) + " → " + number(*end_rps, 1) + " (threshold: ≤ +10%)";
  if (more_users) change += ", users " + number(*mid_users, 0) + " → " + number(*end_users, 0);
  change += ", p95 " + number(*mid_p95, 0) + " → " + number(*end_p95, 0) + " ms (from the second quarter of the run to the last)";
  finding.evidence.push_back(change);
  // Little's law: requests in flight ≈ throughput × time in the system (p95 as an upper bound).
  finding.evidence.push_back("Little's law: at " + number(*end_rps, 1) + "/s and a p95 of " + number(*end_p95, 0) +
                             " ms up to " + number(*end_rps * *end_p95 / 1000, 1) + " requests are in flight");
  std::vector<std::string> queues;
  for (const Queue& queue : kQueues) {
    const Series series = run.scraped(queue.metric, queue.labels);
    if (series.empty()) continue;
    const auto early = series.mean_between(d * 0.25, d * 0.5);
    const auto late = series.mean_between(d * 0.75, d);
    if (!early || !late) continue;
    if (queue.capacity_metric) {
      const Series capacity = run.scraped(queue.capacity_metric);
      const auto limit = capacity.mean_between(d * 0.75, d);
      if (limit && *limit > 0 && *late >= 0.95 * *limit) {
        queues.push_back(std::string(queue.meaning) + " were full: " + queue.metric + " " + number(*late, 1) + " of " +
                         number(*limit, 0) + " (threshold: 95%)");
      }
    } else if (*late >= (queue.seconds ? 0.005 : 1) && *late >= *early * 1.5) {
      queues.push_back(std::string(queue.meaning) + " grew: " + queue.metric + " " + shown(queue, *early) + " → " +
                       shown(queue, *late) + " (threshold: ×1.5)");
    }
  }
  finding.evidence.insert(finding.evidence.end(), queues.begin(), queues.end());
  finding.advice = queues.empty()
                       ? "scrape the target's metrics (--scrape URL) to see which queue fills; then raise that limit "
                         "or add replicas"
                       : "raise the limit of the queue that filled first (" + std::string(queues.front().substr(0, queues.front().find(':'))) +
                             "), or add replicas; ragscale capacity finds the load it takes";
  return finding;
}

}  // namespace ragscale::diagnose
