// LiveSnapshot: what the live dashboard (ragscale load --web) shows, written by the run's
// controller once a second and read by the dashboard's HTTP thread.
//
// Contract:
// - update() runs on the controller thread, which owns the RunStats: every history row it has
//   not seen becomes one series point, and the endpoints' totals become the table. The JSON is
//   built before taking the lock, which is then held only to move it in; the load's workers are
//   never involved, and a browser polling cannot slow the run.
// - json_since(cursor), from any thread, answers
//     {"state", "host", "shape", "elapsed_s", "planned_s" (null: no planned end), "users",
//      "first", "next", "series": [points first..next from max(cursor, first)], "table": [...]}
//   with at most kMaxPointsPerAnswer points (the client asks again from "next"). A point is
//     {"t": seconds since the start, "users", "rps", "fps": that second's requests and failures,
//      "p50_ms", "p95_ms", "p99_ms": the last 10 s window's latency (null when it is empty)}.
//   A second in which streamed answers ended also has ttft_p50_ms, ttft_p95_ms, itl_p50_ms,
//   itl_p99_ms (of those streams) and tokens_per_s; the page draws those charts only when
//   some point has them. The table has one row per request name, in
//   report order, then the aggregate ("aggregate": true): method, name, requests, failures,
//   median_us, p95_us, p99_us, avg_us (over the run), rps, fps (last 10 s), retries.
// - The series keeps the last kMaxPoints points (a day of seconds); "first" is the oldest kept.
// - set_state(): "running", then "stopping" (a stop was asked) and "finished" (the run ended).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "stats/run_stats.h"

namespace ragscale::load {

class LiveSnapshot {
 public:
  static constexpr size_t kMaxPoints = 24 * 3600;
  static constexpr size_t kMaxPointsPerAnswer = 3600;

  LiveSnapshot(std::string host, std::string shape, std::optional<double> planned_seconds);

  void update(const RunStats& stats, uint64_t users, double elapsed_seconds);
  void set_state(std::string_view state);
  std::string json_since(uint64_t cursor) const;

 private:
  const std::string host_;
  const std::string shape_;
  const std::optional<double> planned_seconds_;
  size_t rows_seen_ = 0;  // controller thread only

  mutable std::mutex mutex_;
  std::string state_ = "running";
  uint64_t users_ = 0;
  double elapsed_seconds_ = 0;
  std::deque<std::string> points_;
  uint64_t first_ = 0;  // index of points_.front()
  std::string table_ = "[]";
};

}  // namespace ragscale::load
