// `ragscale plan`: replicas for a demand from a measured per-replica capacity, growth,
// the scalability law over measured counts, and an autoscaling policy replayed against a
// traffic trace. The arithmetic lives in replica_plan, usl_fit, hpa_controller and
// autoscale_simulation; this file reads the inputs and writes the outputs.
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "app/commands.h"
#include "plan/autoscale_simulation.h"
#include "plan/hpa_manifest.h"
#include "plan/plan_options.h"
#include "plan/plan_output.h"
#include "plan/traffic_trace.h"

namespace ragscale {
namespace {

using namespace plan;

// The `capacity` (requests/s) of a `ragscale capacity --json` file.
double read_capacity_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::invalid_argument("ragscale plan: --capacity: cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  rapidjson::Document document;
  document.Parse(text.str().c_str());
  if (document.HasParseError() || !document.IsObject()) {
    throw std::invalid_argument("ragscale plan: --capacity: " + path + " is not JSON from ragscale capacity --json");
  }
  if (document.HasMember("by") && document["by"].IsString() && std::string(document["by"].GetString()) == "users") {
    throw std::invalid_argument("ragscale plan: --capacity: " + path +
                                " holds a capacity in users; plan needs requests/s: run ragscale capacity --by rate, "
                                "or give --per-replica RATE");
  }
  if (!document.HasMember("capacity") || !document["capacity"].IsNumber() || !(document["capacity"].GetDouble() > 0)) {
    throw std::invalid_argument("ragscale plan: --capacity: " + path +
                                " has no capacity above 0 (the search found none?); give --per-replica RATE");
  }
  return document["capacity"].GetDouble();
}

std::vector<double> read_trace(const PlanOptions& options, std::string& described) {
  if (options.trace_file) {
    described = *options.trace_file;
    if (options.trace_scale != 1) described += " × " + std::to_string(options.trace_scale);
    return trace_from_run(*options.trace_file, options.trace_scale);
  }
  if (options.diurnal) {
    described = "a daily curve " + *options.diurnal;
    return trace_from_diurnal(*options.diurnal);
  }
  described = "stages";
  for (const auto& stage : options.trace_stages) described += " " + stage;
  return trace_from_stages(options.trace_stages);
}

AutoscalePlan plan_autoscaling(const PlanOptions& options, double per_replica_rps) {
  AutoscalePlan result;
  const std::vector<double> demand = read_trace(options, result.trace);
  result.peak_demand = *std::max_element(demand.begin(), demand.end());
  result.startup_s = options.startup_s;

  AutoscaleSettings settings;
  settings.per_replica_rps = per_replica_rps;
  settings.startup_s = options.startup_s;
  settings.hpa = options.hpa;
  // Enough replicas for the peak at the lowest target searched, unless bounded by --max.
  const int enough = std::max(1, static_cast<int>(std::ceil(result.peak_demand / (per_replica_rps * 0.3))));
  settings.hpa.max_replicas = options.max_replicas.value_or(std::min(enough, 10'000));
  settings.hpa.min_replicas = options.min_replicas.value_or(1);
  if (settings.hpa.min_replicas > settings.hpa.max_replicas) settings.hpa.max_replicas = settings.hpa.min_replicas;

  if (options.target_percent) {
    settings.hpa.target = *options.target_percent;
    result.chosen = simulate_autoscaling(demand, settings);
  } else {
    AutoscaleSettings defaults = settings;
    defaults.hpa.target = 70;
    result.at_defaults = simulate_autoscaling(demand, defaults);
    AutoscaleChoice best = search_autoscaling(demand, settings, options.min_replicas);
    settings.hpa.target = best.target;
    settings.hpa.min_replicas = best.min_replicas;
    result.chosen = std::move(best.result);
    result.searched = true;
  }
  result.spec = settings.hpa;
  ManifestSettings manifest;
  manifest.deployment = options.deployment;
  manifest.metric_name = options.metric_name;
  manifest.per_replica_rps = per_replica_rps;
  result.manifest = hpa_manifest_yaml(result.spec, manifest);
  return result;
}

PlanResult make_plan(const PlanOptions& options) {
  PlanResult plan;
  plan.headroom = options.headroom;
  plan.monthly_growth = options.monthly_growth;
  plan.horizon_months = options.horizon_months;
  if (options.capacity_file) {
    plan.per_replica_rps = read_capacity_file(*options.capacity_file);
    plan.capacity_source = *options.capacity_file;
  } else if (options.per_replica_rps) {
    plan.per_replica_rps = *options.per_replica_rps;
    plan.capacity_source = "--per-replica";
  }
  if (options.has_demand()) {
    DemandInput input;
    input.demand_rps = options.rate ? *options.rate : demand_of(*options.users, *options.requests_per_minute);
    input.per_replica_rps = plan.per_replica_rps;
    input.headroom = options.headroom;
    input.monthly_growth = options.monthly_growth;
    input.horizon_months = options.horizon_months;
    plan.replicas = plan_replicas(input);
    plan.demand_source = {options.users, options.requests_per_minute};
  }
  plan.points = options.points;
  if (options.sweep_file) {
    auto more = read_scaling_points(*options.sweep_file);
    plan.points.insert(plan.points.end(), more.begin(), more.end());
  }
  if (!plan.points.empty()) {
    plan.usl = fit_usl(plan.points);
    if (plan.replicas) {
      for (int n = 1; n <= 100'000; ++n) {
        const double x = plan.usl->predict(n);
        if (x >= plan.replicas->required_rps) {
          plan.usl_replicas = n;
          break;
        }
        if (auto peak = plan.usl->peak(); peak && n > *peak) break;  // it only falls from here
      }
    }
  }
  if (options.has_trace()) plan.autoscale = plan_autoscaling(options, plan.per_replica_rps);
  return plan;
}

void write_file(const std::string& flag, const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file || !(file << text) || !file.flush()) {
    throw std::invalid_argument("ragscale plan: " + flag + ": cannot write " + path);
  }
}

}  // namespace

int run_plan_command(int argc, char** argv) {
  try {
    const PlanOptions options = parse_plan_options(argc, argv);
    if (options.help) {
      std::fputs(plan_help_text(), stdout);
      return 0;
    }
    const PlanResult result = make_plan(options);
    const bool json_to_stdout = options.json_file && *options.json_file == "-";
    if (!json_to_stdout) write_plan_text(std::cout, result);
    if (options.json_file) {
      std::ostringstream json;
      write_plan_json(json, result);
      if (json_to_stdout) std::cout << json.str();
      else write_file("--json", *options.json_file, json.str());
    }
    if (options.manifest_file) {
      if (!result.autoscale) {
        throw std::invalid_argument("ragscale plan: --manifest: the manifest comes from the autoscaling replay; give a "
                                    "trace (--trace, --trace-stage or --diurnal)");
      }
      write_file("--manifest", *options.manifest_file, result.autoscale->manifest);
    }
    return 0;
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 2;
  } catch (const std::runtime_error& error) {  // an unreadable or malformed run summary
    std::fprintf(stderr, "ragscale plan: %s\n", error.what());
    return 2;
  }
}

}  // namespace ragscale
