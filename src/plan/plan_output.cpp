#include "plan/plan_output.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "common/json_fields.h"
#include "load/output/number_format.h"

namespace ragscale::plan {
namespace {

using output::format_decimal;
using output::format_fixed;

std::string rate(double value) { return format_decimal(value, 1) + "/s"; }
std::string percent(double fraction) { return format_decimal(fraction * 100, 1) + "%"; }

// The calendar date `months` from today (a month being 1/12 of a Gregorian year).
std::string date_in(double months) {
  const auto when = std::chrono::system_clock::now() +
                    std::chrono::seconds(static_cast<long long>(months * 365.2425 / 12 * 86400));
  const std::time_t time = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
  return text;
}

using Writer = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

void write_autoscale_line(std::ostream& out, const char* label, double target, int min, int max,
                          const AutoscaleResult& result) {
  out << "  " << label << " target " << format_decimal(target, 1) << "%, min " << min << ", max " << max << ": "
      << format_decimal(result.violation_minutes(), 1) << " min outside the SLO, "
      << format_decimal(result.replica_hours, 2) << " replica-hours, peak " << result.peak_replicas << " replicas, "
      << result.scale_events << " scalings\n";
}

}  // namespace

void write_plan_text(std::ostream& out, const PlanResult& plan) {
  out << "Per replica: " << rate(plan.per_replica_rps) << " (" << plan.capacity_source << ")\n";
  if (plan.replicas) {
    const ReplicaPlan& r = *plan.replicas;
    out << "Demand: ";
    if (plan.demand_source.users) {
      out << format_fixed(*plan.demand_source.users, 0) << " users × "
          << format_decimal(*plan.demand_source.requests_per_minute, 2) << " requests/min ÷ 60 = ";
    }
    out << rate(r.demand_rps) << "; with " << percent(plan.headroom) << " headroom " << rate(r.required_rps) << "\n";
    out << "Replicas: " << r.replicas << " (ceil(" << format_decimal(r.required_rps, 1) << " ÷ "
        << format_decimal(plan.per_replica_rps, 1) << "); at today's demand they run at " << percent(r.utilization)
        << " of their capacity)\n";
    if (plan.monthly_growth) {
      out << "Growth " << percent(*plan.monthly_growth) << "/month over " << format_decimal(plan.horizon_months, 1)
          << " months: " << r.replicas_at_horizon << " replicas at the horizon\n";
      for (const auto& step : r.growth) {
        out << "  " << step.replicas << " replicas from month " << format_decimal(step.from_month, 1) << " ("
            << date_in(step.from_month) << ", demand " << rate(step.demand_rps) << ")\n";
      }
    }
  }
  if (plan.usl) {
    const UslModel& m = *plan.usl;
    out << "Scalability (Universal Scalability Law over " << plan.points.size() << " points): λ " << rate(m.lambda)
        << ", σ " << format_decimal(m.sigma, 4) << " (contention), κ " << format_decimal(m.kappa, 5)
        << " (coherency), R² " << format_decimal(m.r_squared, 3) << "\n";
    if (auto peak = m.peak()) {
      out << "  throughput peaks at " << format_decimal(*peak, 1) << " replicas (" << rate(m.predict(*peak))
          << "); past that, adding replicas lowers it\n";
    } else {
      out << "  no peak: throughput keeps growing with replicas\n";
    }
    for (double n : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0}) {
      out << "  " << format_fixed(n, 0) << " → " << rate(m.predict(n)) << "\n";
    }
    if (plan.usl_replicas) out << "  the demand with headroom needs " << *plan.usl_replicas << " replicas by this model\n";
    else if (plan.replicas) out << "  the demand with headroom is beyond what this model ever reaches\n";
  }
  if (plan.autoscale) {
    const AutoscalePlan& a = *plan.autoscale;
    out << "Autoscaling replay of " << a.trace << " (" << a.chosen.seconds.size() << " s, peak " << rate(a.peak_demand)
        << "): HorizontalPodAutoscaler, sync " << format_fixed(a.spec.sync_period_s, 0) << " s, tolerance "
        << percent(a.spec.tolerance) << ", scale-down window " << format_fixed(a.spec.scale_down.stabilization_window_s, 0)
        << " s, pod start-up " << format_fixed(a.startup_s, 0) << " s\n";
    if (a.at_defaults) write_autoscale_line(out, "at the defaults:", 70, 1, a.spec.max_replicas, *a.at_defaults);
    write_autoscale_line(out, a.searched ? "best:" : "as given:", a.spec.target, a.spec.min_replicas,
                         a.spec.max_replicas, a.chosen);
    if (a.chosen.violated_seconds > 0) {
      out << "  no setting kept the SLO all the time; raise --max, shorten the start-up, or add replicas\n";
    }
    out << "\nHorizontalPodAutoscaler:\n" << a.manifest;
  }
}

void write_plan_json(std::ostream& out, const PlanResult& plan) {
  rapidjson::OStreamWrapper stream(out);
  Writer json(stream);
  json.SetIndent(' ', 2);
  json.StartObject();
  put_field(json, "per_replica_rps", plan.per_replica_rps);
  put_field(json, "capacity_source", plan.capacity_source);
  put_field(json, "headroom", plan.headroom);
  if (plan.replicas) {
    const ReplicaPlan& r = *plan.replicas;
    put_field(json, "demand_rps", r.demand_rps);
    put_field(json, "required_rps", r.required_rps);
    put_field(json, "replicas", r.replicas);
    put_field(json, "utilization", r.utilization);
    if (plan.monthly_growth) {
      json.Key("growth");
      json.StartObject();
      put_field(json, "monthly", *plan.monthly_growth);
      put_field(json, "horizon_months", plan.horizon_months);
      put_field(json, "replicas_at_horizon", r.replicas_at_horizon);
      json.Key("steps");
      json.StartArray();
      for (const auto& step : r.growth) {
        json.StartObject();
        put_field(json, "replicas", step.replicas);
        put_field(json, "from_month", step.from_month);
        put_field(json, "date", date_in(step.from_month));
        put_field(json, "demand_rps", step.demand_rps);
        json.EndObject();
      }
      json.EndArray();
      json.EndObject();
    }
  }
  if (plan.usl) {
    json.Key("usl");
    json.StartObject();
    json.Key("points");
    json.StartArray();
    for (const auto& p : plan.points) {
      json.StartArray();
      json.Double(p.n);
      json.Double(p.throughput);
      json.EndArray();
    }
    json.EndArray();
    put_field(json, "lambda", plan.usl->lambda);
    put_field(json, "sigma", plan.usl->sigma);
    put_field(json, "kappa", plan.usl->kappa);
    put_field(json, "r_squared", plan.usl->r_squared);
    json.Key("peak_replicas");
    if (auto peak = plan.usl->peak()) json.Double(*peak);
    else json.Null();
    json.Key("replicas_for_demand");
    if (plan.usl_replicas) json.Int(*plan.usl_replicas);
    else json.Null();
    json.EndObject();
  }
  if (plan.autoscale) {
    const AutoscalePlan& a = *plan.autoscale;
    auto write_result = [&](const AutoscaleResult& result) {
      json.StartObject();
      put_field(json, "violated_seconds", result.violated_seconds);
      put_field(json, "replica_hours", result.replica_hours);
      put_field(json, "peak_replicas", result.peak_replicas);
      put_field(json, "scale_events", result.scale_events);
      json.EndObject();
    };
    json.Key("autoscale");
    json.StartObject();
    put_field(json, "trace", a.trace);
    put_field(json, "seconds", a.chosen.seconds.size());
    put_field(json, "peak_demand_rps", a.peak_demand);
    put_field(json, "searched", a.searched);
    put_field(json, "target_percent", a.spec.target);
    put_field(json, "min_replicas", a.spec.min_replicas);
    put_field(json, "max_replicas", a.spec.max_replicas);
    put_field(json, "startup_s", a.startup_s);
    json.Key("result");
    write_result(a.chosen);
    if (a.at_defaults) {
      json.Key("at_defaults");
      write_result(*a.at_defaults);
    }
    // Replicas over time, one value per sync period, for charts.
    json.Key("replicas_over_time");
    json.StartArray();
    const auto step = static_cast<size_t>(std::max(1.0, a.spec.sync_period_s));
    for (size_t s = 0; s < a.chosen.seconds.size(); s += step) {
      const AutoscaleSecond& second = a.chosen.seconds[s];
      json.StartObject();
      put_field(json, "t", s);
      put_field(json, "demand_rps", second.demand);
      put_field(json, "replicas", second.replicas);
      put_field(json, "ready", second.ready);
      put_field(json, "violated", second.violated);
      json.EndObject();
    }
    json.EndArray();
    put_field(json, "manifest", a.manifest);
    json.EndObject();
  }
  json.EndObject();
  out << "\n";
}

}  // namespace ragscale::plan
