// The flags of `ragscale plan` (plan_help_text() is its --help) and their parsing.
// parse_plan_options() throws std::invalid_argument "ragscale plan: FLAG: problem and fix"
// for anything malformed or contradictory; it reads no files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/hpa_controller.h"
#include "plan/usl_fit.h"

namespace ragscale::plan {

struct PlanOptions {
  bool help = false;
  // Per-replica capacity: given, or the `capacity` of a `ragscale capacity --json` file.
  std::optional<double> per_replica_rps;
  std::optional<std::string> capacity_file;
  // Demand: users × requests per minute ÷ 60, or a rate.
  std::optional<double> users;
  std::optional<double> requests_per_minute;
  std::optional<double> rate;
  double headroom = 0.2;
  std::optional<double> monthly_growth;
  double horizon_months = 12;
  // Scalability: measured (N, throughput) points, from flags and a file.
  std::vector<ScalingPoint> points;
  std::optional<std::string> sweep_file;
  // Autoscaling replay: one trace source.
  std::optional<std::string> trace_file;
  double trace_scale = 1;
  std::vector<std::string> trace_stages;
  std::optional<std::string> diurnal;
  double startup_s = 60;
  HpaSpec hpa;                    // sync, tolerance, windows; min/max/target below
  std::optional<int> min_replicas;
  std::optional<int> max_replicas;
  std::optional<double> target_percent;  // simulate this target only (else search)
  std::string deployment = "ragscale-serve";
  std::string metric_name = "http_requests_per_second";
  std::optional<std::string> manifest_file;
  std::optional<std::string> json_file;  // "-" for stdout

  bool has_demand() const { return rate || users; }
  bool has_trace() const { return trace_file || !trace_stages.empty() || diurnal; }
};

const char* plan_help_text();
PlanOptions parse_plan_options(int argc, char** argv);

// Scaling points from a file: one "N RATE" or "N,RATE" a line; blank lines and # comments
// skipped. Throws std::invalid_argument naming the file and line.
std::vector<ScalingPoint> read_scaling_points(const std::string& path);

}  // namespace ragscale::plan
