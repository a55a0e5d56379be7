// RunEvidence: the series of one run that the diagnosis rules read, from its JSON summary:
// the load's own per-second history (requests, failures, window p95, users) and what
// `--scrape` recorded (the generator's CPU use, the targets' metrics).
//
// Contract: times are seconds since the run's start. scraped(name) sums, per scrape, every
// label set of metric `name` of the first target that has it ("ragscale_requests_total"
// matches `ragscale_requests_total{route="/q",status="200"}`); scraped_from() does the same
// for one target (a URL of targets()); derived series (":p95", ":rate") are named in full.
// generator_series(name) is one of the generator's own series (metrics/metrics_scraper.h).
// Series are empty when the run has no such data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/output/json_summary.h"

namespace ragscale::diagnose {

// The q-quantile (0..1, nearest rank) of `values`; nullopt when there are none.
std::optional<double> quantile_of(std::vector<double> values, double q);

struct Series {
  std::vector<double> t;
  std::vector<double> v;
  bool empty() const { return t.empty(); }
  size_t size() const { return t.size(); }
  double mean() const;
  double max() const;
  // Mean over [from, to) seconds; nullopt when no point lies there.
  std::optional<double> mean_between(double from, double to) const;
  // The q-quantile (0..1, nearest rank) of the values at [from, to); nullopt when none.
  std::optional<double> quantile_between(double q, double from, double to) const;
  // Least-squares slope per second.
  double slope() const;
};

class RunEvidence {
 public:
  explicit RunEvidence(output::RunSummary summary);

  const output::RunSummary& summary() const { return summary_; }
  double duration_s() const;
  const Series& requests_per_second() const { return requests_; }
  const Series& failures_per_second() const { return failures_; }
  const Series& p95_ms() const { return p95_ms_; }
  const Series& users() const { return users_; }
  bool open_model() const;
  int generator_threads() const;
  Series generator_series(std::string_view name) const;
  Series generator_cpu() const { return generator_series("ragscale_load_cpu_cores"); }
  // The scraped targets' URLs (not the generator), in the order the run gave them.
  std::vector<std::string> targets() const;
  // `labels`: only the label sets whose text contains it, e.g. outcome="overloaded".
  Series scraped(std::string_view name, std::string_view labels = {}) const;
  Series scraped_from(std::string_view target, std::string_view name, std::string_view labels = {}) const;

 private:
  output::RunSummary summary_;
  Series requests_, failures_, p95_ms_, users_;
};

}  // namespace ragscale::diagnose
