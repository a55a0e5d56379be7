#include "capacity/capacity_report.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/writer.h>

#include "common/json_fields.h"
#include "load/output/json_summary.h"
#include "load/output/number_format.h"

namespace ragscale::capacity {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::OStreamWrapper>;

double ms_at(const RunStats& stats, double percent) {
  return static_cast<double>(stats.aggregate().latency().percentile(percent)) / 1000.0;
}

std::string ms_text(const RunStats& stats, double percent) {
  if (stats.aggregate().latency().empty()) return "-";
  return output::format_ms(stats.aggregate().latency().percentile(percent));
}

std::string percent_text(double rate) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", rate * 100.0);
  return buffer;
}

void write_step(JsonWriter& json, const CapacityReport& report, size_t index, bool with_run_summary) {
  const StepRecord& step = report.steps[index];
  json.StartObject();
  put_field(json, "index", index + 1);
  put_field(json, "phase", step.phase == SearchPhase::kGrowth ? "growth" : "bisection");
  put_field(json, "offered", step.load);
  put_field(json, "seconds", step.seconds);
  put_field(json, "achieved_rps", step.achieved_rps());
  put_field(json, "good_rps", step.good_rps());
  put_field(json, "requests", step.stats.aggregate().requests());
  put_field(json, "p50_ms", ms_at(step.stats, 50));
  put_field(json, "p95_ms", ms_at(step.stats, 95));
  put_field(json, "p99_ms", ms_at(step.stats, 99));
  put_field(json, "error_rate", step.error_rate());
  put_field(json, "dropped", step.stats.dropped());
  put_field(json, "late", step.stats.late());
  put_field(json, "verdict", step.interrupted ? "interrupted" : std::string(verdict_name(step.verdict.verdict)));
  put_field(json, "why", step.verdict.why);
  json.Key("slos");
  json.StartArray();
  for (const SloJudgement& slo : step.verdict.slos) {
    json.StartObject();
    put_field(json, "expression", slo.expression);
    put_field(json, "verdict", std::string(verdict_name(slo.verdict)));
    put_field(json, "observed", slo.has_data ? std::optional<double>(slo.observed) : std::nullopt);
    put_field(json, "low", slo.low);
    put_field(json, "high", slo.high);
    put_field(json, "samples", slo.samples);
    put_field(json, "detail", slo.detail);
    json.EndObject();
  }
  json.EndArray();
  if (with_run_summary) {
    std::ostringstream summary;
    output::write_json_summary(summary, step.info, step.stats);
    const std::string text = summary.str();
    json.Key("summary");
    json.RawValue(text.data(), text.size(), rapidjson::kObjectType);
  }
  json.EndObject();
}

}  // namespace

std::string format_load(double load) {
  char buffer[32];
  if (std::abs(load - std::round(load)) < 1e-9) std::snprintf(buffer, sizeof buffer, "%.0f", load);
  else std::snprintf(buffer, sizeof buffer, "%.1f", load);
  return buffer;
}

double StepRecord::achieved_rps() const {
  const double seconds_run = stats.duration_seconds();
  return seconds_run > 0 ? static_cast<double>(stats.aggregate().requests()) / seconds_run : 0;
}

double StepRecord::good_rps() const {
  const double seconds_run = stats.duration_seconds();
  const EndpointStats& all = stats.aggregate();
  return seconds_run > 0 ? static_cast<double>(all.requests() - all.failures()) / seconds_run : 0;
}

double StepRecord::error_rate() const { return stats.aggregate().failure_ratio(); }

std::string CapacityReport::bound_by() const {
  if (!search.first_fail) return "";
  // The last step run at the first failing load says what bound it.
  for (size_t i = steps.size(); i-- > 0;) {
    if (steps[i].load == *search.first_fail && !steps[i].interrupted) {
      const StepVerdict& verdict = steps[i].verdict;
      return verdict.verdict == Verdict::kUndecided ? verdict.bound_by + " (undecided)" : verdict.bound_by;
    }
  }
  return "";
}

std::optional<KneePoint> CapacityReport::knee() const {
  std::vector<KneePoint> points;
  for (const StepRecord& step : steps) {
    if (!step.interrupted) points.push_back({step.load, step.good_rps()});
  }
  return find_knee(points);
}

std::string format_step_line(const CapacityReport& report, size_t index) {
  const StepRecord& step = report.steps[index];
  char head[160];
  std::snprintf(head, sizeof head, "step %zu  %s %s  %.1f s: %.1f req/s, p95 %s ms, errors %s -> ", index + 1,
                format_load(step.load).c_str(), report.unit(), step.seconds, step.achieved_rps(),
                ms_text(step.stats, 95).c_str(), percent_text(step.error_rate()).c_str());
  std::string line = head;
  if (step.interrupted) return line + "interrupted";
  line += verdict_name(step.verdict.verdict);
  if (step.verdict.verdict != Verdict::kPass && !step.verdict.why.empty()) line += " (" + step.verdict.why + ")";
  return line;
}

std::string format_capacity_summary(const CapacityReport& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "\n %4s  %-9s %10s %10s %9s %9s %9s %8s  %-10s %s\n", "step", "phase",
                report.by_users ? "users" : "offered", "achieved", "p50 ms", "p95 ms", "p99 ms", "errors", "verdict",
                "why");
  out += line;
  for (size_t i = 0; i < report.steps.size(); ++i) {
    const StepRecord& step = report.steps[i];
    const std::string verdict = step.interrupted ? "interrupted" : std::string(verdict_name(step.verdict.verdict));
    std::snprintf(line, sizeof line, " %4zu  %-9s %10s %10.1f %9s %9s %9s %8s  %-10s %s\n", i + 1,
                  step.phase == SearchPhase::kGrowth ? "growth" : "bisection", format_load(step.load).c_str(),
                  step.achieved_rps(), ms_text(step.stats, 50).c_str(), ms_text(step.stats, 95).c_str(),
                  ms_text(step.stats, 99).c_str(), percent_text(step.error_rate()).c_str(), verdict.c_str(),
                  step.verdict.why.c_str());
    out += line;
  }
  out += "\n";
  const std::string unit = report.unit();
  const SearchResult& search = report.search;
  if (search.last_pass) {
    out += "Capacity: " + format_load(*search.last_pass) + " " + unit;
    if (search.first_fail) {
      out += " (last pass " + format_load(*search.last_pass) + ", first failure " + format_load(*search.first_fail) +
             "; bound by " + report.bound_by() + ")";
    } else if (search.end == SearchEnd::kInterrupted) {
      out += " (interrupted before any step failed: at least this)";
    } else {
      out += " (reached --max " + format_load(report.search_settings.max) + " without a failure: at least this)";
    }
    out += "\n";
  } else {
    out += "Capacity: none found: ";
    if (search.steps.empty()) {
      out += "no step ran";
    } else if (search.first_fail && search.steps.size() == 1) {
      out += "the first step at " + format_load(*search.first_fail) + " " + unit + " did not pass (" +
             report.bound_by() + "); lower --start";
    } else if (search.first_fail) {
      out += "no step below " + format_load(*search.first_fail) + " " + unit + " was decided as passing (" +
             report.bound_by() + " there); raise --step-time or --start";
    } else {
      out += "no step was decided as passing; raise --step-time or --start";
    }
    out += "\n";
  }
  if (const auto knee = report.knee()) {
    std::snprintf(line, sizeof line, "Knee: throughput stops following the offered load near %s %s (%.1f good req/s)\n",
                  format_load(knee->offered).c_str(), unit.c_str(), knee->achieved);
    out += line;
  }
  std::snprintf(line, sizeof line, "Search: %zu steps in %.0f s (%s)\n", report.steps.size(), report.search_seconds,
                std::string(search_end_name(search.end)).c_str());
  out += line;
  return out;
}

void write_capacity_json(std::ostream& out, const CapacityReport& report, bool with_run_summaries) {
  rapidjson::OStreamWrapper stream(out);
  JsonWriter json(stream);
  json.StartObject();
  put_field(json, "format", "ragscale-capacity");
  put_field(json, "version", 1);
  put_field(json, "capacity", report.search.last_pass);
  put_field(json, "unit", report.unit());
  put_field(json, "by", report.by_users ? "users" : "rate");
  put_field(json, "host", report.host);
  put_field(json, "end", std::string(search_end_name(report.search.end)));
  json.Key("bracket");
  json.StartObject();
  put_field(json, "last_pass", report.search.last_pass);
  put_field(json, "first_fail", report.search.first_fail);
  json.EndObject();
  json.Key("bound_by");
  const std::string bound_by = report.bound_by();
  if (bound_by.empty()) json.Null();
  else json.String(bound_by.c_str());
  json.Key("knee");
  if (const auto knee = report.knee()) {
    json.StartObject();
    put_field(json, "offered", knee->offered);
    put_field(json, "achieved", knee->achieved);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("slos");
  json.StartArray();
  for (const std::string& slo : report.slos) json.String(slo.c_str());
  json.EndArray();
  json.Key("settings");
  json.StartObject();
  put_field(json, "start", report.search_settings.start);
  put_field(json, "max", report.search_settings.max);
  put_field(json, "growth", report.search_settings.growth);
  put_field(json, "tolerance", report.search_settings.tolerance);
  put_field(json, "step_seconds", report.timing.min_seconds);
  put_field(json, "max_step_seconds", report.timing.max_seconds);
  put_field(json, "cooldown_seconds", report.cooldown_seconds);
  json.EndObject();
  put_field(json, "search_seconds", report.search_seconds);
  json.Key("steps");
  json.StartArray();
  for (size_t i = 0; i < report.steps.size(); ++i) write_step(json, report, i, with_run_summaries);
  json.EndArray();
  json.EndObject();
  out << "\n";
}

void write_capacity_json_file(const std::string& path, const CapacityReport& report) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
  write_capacity_json(file, report);
  file.close();
  if (!file) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
}

}  // namespace ragscale::capacity
