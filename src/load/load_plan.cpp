#include "load/load_plan.h"

#include <cmath>
#include <stdexcept>

#include "common/duration.h"

namespace ragscale::load {

namespace {

using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::hours;

// One layer of settings; every field optional so layers can be stacked.
struct Layer {
  std::optional<double> users;
  std::optional<double> spawn_rate;
  std::optional<microseconds> run_time;
  std::vector<Stage> stages;
  std::optional<double> rate;
  std::vector<Stage> rate_stages;
  std::optional<uint64_t> max_in_flight;
  std::optional<uint64_t> iterations;

  bool says_closed() const { return users || spawn_rate || !stages.empty(); }
  bool says_open() const { return rate || !rate_stages.empty(); }
};

microseconds us(std::chrono::microseconds d) { return d; }

// The seeds' test types. Each is a reasonable default a file or flag can override.
Layer preset(const std::string& name) {
  Layer layer;
  if (name == "smoke") {  // does it work at all: 10 users for 2 minutes
    layer.users = 10;
    layer.spawn_rate = 10;
    layer.run_time = us(minutes(2));
  } else if (name == "load") {  // expected load: 100 users for 10 minutes
    layer.users = 100;
    layer.spawn_rate = 10;
    layer.run_time = us(minutes(10));
  } else if (name == "stress") {  // beyond expected load until it breaks: ramp to 1500
    layer.stages = {{us(minutes(2)), 100}, {us(minutes(3)), 500}, {us(minutes(3)), 1000},
                    {us(minutes(3)), 1500}, {us(minutes(1)), 0}};
  } else if (name == "spike") {  // 10 users, then 500 at once, then back
    layer.stages = {{us(seconds(10)), 10}, {us(minutes(1)), 10}, {us(seconds(0)), 500},
                    {us(minutes(2)), 500}, {us(seconds(0)), 10}, {us(minutes(2)), 10}};
  } else if (name == "soak") {  // steady moderate load for hours: leaks, drift
    layer.users = 50;
    layer.spawn_rate = 5;
    layer.run_time = us(hours(4));
  } else if (name == "burst") {  // 1000 requests within 30 seconds
    layer.rate = 1000.0 / 30.0;
    layer.run_time = us(seconds(30));
    layer.iterations = 1000;
  } else {
    throw std::invalid_argument("ragscale load: --profile: unknown profile '" + name +
                                "'; use smoke, load, stress, spike, soak or burst");
  }
  return layer;
}

Layer from_file(const scenario::LoadSpec& spec) {
  Layer layer;
  if (spec.users) layer.users = static_cast<double>(*spec.users);
  layer.spawn_rate = spec.spawn_rate;
  layer.run_time = spec.run_time;
  layer.max_in_flight = spec.max_in_flight;
  layer.iterations = spec.iterations;
  if (spec.rate) {
    layer.rate = spec.rate;
    layer.rate_stages = spec.stages;  // with a rate, the file's stages ramp the rate
  } else {
    layer.stages = spec.stages;
  }
  return layer;
}

Layer from_flags(const LoadOptions& options) {
  Layer layer;
  layer.users = options.users;
  layer.spawn_rate = options.spawn_rate;
  layer.run_time = options.run_time;
  layer.stages = options.stages;
  layer.rate = options.rate;
  layer.rate_stages = options.rate_stages;
  layer.max_in_flight = options.max_in_flight;
  layer.iterations = options.iterations;
  if (options.burst_requests && options.burst_window) {
    double window = std::chrono::duration<double>(*options.burst_window).count();
    if (window <= 0) throw std::invalid_argument("ragscale load: --burst: the duration must be positive");
    layer.rate = static_cast<double>(*options.burst_requests) / window;
    layer.iterations = *options.burst_requests;
    if (!layer.run_time) layer.run_time = *options.burst_window;
  }
  return layer;
}

// Applies `top` over `base`: scalar fields override when set; the model-defining fields of
// the other model are dropped when `top` chooses a model.
void overlay(Layer& base, const Layer& top) {
  if (top.says_open()) {
    base.users.reset();
    base.spawn_rate.reset();
    base.stages.clear();
  } else if (top.says_closed()) {
    base.rate.reset();
    base.rate_stages.clear();
  }
  if (top.users) base.users = top.users;
  if (top.spawn_rate) base.spawn_rate = top.spawn_rate;
  if (top.run_time) base.run_time = top.run_time;
  if (!top.stages.empty()) base.stages = top.stages;
  if (top.rate) base.rate = top.rate;
  if (!top.rate_stages.empty()) base.rate_stages = top.rate_stages;
  if (top.max_in_flight) base.max_in_flight = top.max_in_flight;
  if (top.iterations) base.iterations = top.iterations;
}

std::string number(double value) {
  char buffer[32];
  if (std::abs(value - std::round(value)) < 1e-9) std::snprintf(buffer, sizeof buffer, "%.0f", value);
  else std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

}  // namespace

LoadPlan make_load_plan(const LoadOptions& options, const scenario::LoadSpec& file) {
  Layer merged;
  LoadPlan plan;
  std::string profile_name = options.profile.value_or(
      file.profile == scenario::Profile::kUnset ? std::string() : std::string(scenario::profile_name(file.profile)));
  if (!profile_name.empty()) {
    merged = preset(profile_name);
    plan.profile = profile_name;
  }
  overlay(merged, from_file(file));
  overlay(merged, from_flags(options));

  plan.run_time = merged.run_time;
  plan.iterations = merged.iterations;
  if (options.segment) plan.segment = *options.segment;
  if (merged.max_in_flight) {
    if (*merged.max_in_flight == 0) throw std::invalid_argument("ragscale load: --max-in-flight must be at least 1");
    plan.max_in_flight = *merged.max_in_flight;
  }

  if (merged.says_open()) {
    plan.model = LoadPlan::Model::kOpen;
    plan.rate = StagedValue(merged.rate.value_or(0), merged.rate_stages);
    if (plan.rate.peak() <= 0) {
      throw std::invalid_argument("ragscale load: --rate: the arrival rate is 0; give a positive rate, e.g. --rate 100");
    }
    if (!plan.run_time && !merged.rate_stages.empty()) {
      plan.run_time = std::chrono::duration_cast<microseconds>(plan.rate.total_duration());
    }
    if (options.arrivals) plan.arrivals.kind = parse_arrival_kind(*options.arrivals);
    if (options.burstiness) {
      if (plan.arrivals.kind != ArrivalKind::kGamma) {
        throw std::invalid_argument("ragscale load: --burstiness needs --arrivals gamma (poisson is gamma with 1)");
      }
      plan.arrivals.burstiness = *options.burstiness;
    }
  } else {
    if (options.arrivals || options.burstiness) {
      throw std::invalid_argument(
          "ragscale load: --arrivals/--burstiness shape the open model's arrivals; add --rate N (arrivals per second)");
    }
    plan.model = LoadPlan::Model::kClosed;
    if (!merged.stages.empty()) {
      plan.users = StagedValue(0, merged.stages);
      if (!plan.run_time) plan.run_time = std::chrono::duration_cast<microseconds>(plan.users.total_duration());
    } else {
      double users = merged.users.value_or(1);
      if (!merged.users) plan.notes.push_back("1 user (set -u/--users for more)");
      if (users < 1) throw std::invalid_argument("ragscale load: -u/--users must be at least 1");
      plan.users = users_at_spawn_rate(users, merged.spawn_rate.value_or(users));
    }
  }
  if (!plan.run_time && !plan.iterations) {
    plan.run_time = std::chrono::duration_cast<microseconds>(seconds(10));
    plan.notes.push_back("run time 10s (set -t/--run-time or --iterations)");
  }
  return plan;
}

void check_segment_has_work(const LoadPlan& plan) {
  if (plan.model != LoadPlan::Model::kClosed || !plan.iterations || plan.segment.is_whole()) return;
  const auto peak = static_cast<uint64_t>(std::floor(plan.users.peak() + 1e-9));
  if (plan.segment.share(peak) == 0) {
    throw std::invalid_argument("ragscale load: --segment " + plan.segment.describe() + " gets none of the run's " +
                                std::to_string(peak) + " users, so it could not run its share of the " +
                                std::to_string(*plan.iterations) +
                                " iterations; give the run at least as many users as segments");
  }
}

std::string LoadPlan::describe() const {
  std::string text;
  if (model == Model::kOpen) {
    text = "open model, " + (rate.stages().empty() ? number(rate.start()) + " it/s"
                                                   : "rate stages up to " + number(rate.peak()) + " it/s");
    if (arrivals.kind != ArrivalKind::kConstant) text += ", " + arrivals.describe() + " arrivals";
    text += ", max " + std::to_string(max_in_flight) + " in flight";
  } else if (users.stages().size() == 1 && users.start() == 0) {
    double ramp = std::chrono::duration<double>(users.stages()[0].duration).count();
    double peak = users.stages()[0].target;
    text = number(peak) + (peak == 1 ? " user" : " users");
    if (ramp > 0) text += " (spawn " + number(peak / ramp) + "/s)";
  } else {
    text = std::to_string(users.stages().size()) + " stages up to " + number(users.peak()) + " users";
  }
  if (run_time) text += ", " + format_duration(*run_time);
  if (iterations) text += ", at most " + std::to_string(*iterations) + " iterations";
  if (!profile.empty()) text += " [profile " + profile + "]";
  if (!segment.is_whole()) text += "; this generator runs segment " + segment.describe() + " of it";
  return text;
}

}  // namespace ragscale::load
