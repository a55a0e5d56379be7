// write_comparison_json (comparison_outputs.h): the rendering for scripts.
#include <sstream>

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/writer.h>

#include "compare/comparison_outputs.h"

namespace ragscale::compare {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::OStreamWrapper>;

const char* unit_name(Unit unit) {
  switch (unit) {
    case Unit::kMicroseconds: return "ms";
    case Unit::kPerSecond: return "per_s";
    case Unit::kRatio: return "ratio";
  }
  return "";
}

double in_unit(const Figure& figure, double value) { return figure.unit == Unit::kMicroseconds ? value / 1000 : value; }

void write_run(JsonWriter& json, const RunLabel& run) {
  json.StartObject();
  json.Key("file");
  json.String(run.file);
  json.Key("host");
  json.String(run.host);
  json.Key("scenario");
  json.String(run.scenario);
  json.Key("requests");
  json.Uint64(run.requests);
  json.Key("duration_s");
  json.Double(run.duration_s);
  json.EndObject();
}

void write_optional(JsonWriter& json, const std::optional<double>& value) {
  if (value) {
    json.Double(*value);
  } else {
    json.Null();
  }
}

void write_figure(JsonWriter& json, const Figure& figure) {
  json.StartObject();
  json.Key("figure");
  json.String(figure.label);
  json.Key("unit");
  json.String(unit_name(figure.unit));
  json.Key("base");
  json.Double(in_unit(figure, figure.base));
  json.Key("new");
  json.Double(in_unit(figure, figure.now));
  json.Key("delta_pct");
  write_optional(json, figure.delta_pct);
  json.Key("ci");
  if (figure.change) {
    json.StartArray();
    json.Double(figure.change->low);
    json.Double(figure.change->high);
    json.EndArray();
  } else {
    json.Null();
  }
  json.Key("ci_unit");
  json.String(figure.change_in_points ? "pp" : "%");
  json.Key("limit");
  json.Double(figure.limit);
  json.Key("better_when");
  json.String(figure.direction == Direction::kLowerIsBetter ? "lower" : "higher");
  json.Key("verdict");
  json.String(verdict_name(figure.verdict).data());
  json.EndObject();
}

void write_names(JsonWriter& json, const std::vector<std::string>& names) {
  json.StartArray();
  for (const std::string& name : names) json.String(name);
  json.EndArray();
}

}  // namespace

void write_comparison_json(std::ostream& out, const Comparison& comparison) {
  rapidjson::OStreamWrapper stream(out);
  JsonWriter json(stream);
  json.StartObject();
  json.Key("format");
  json.String("ragscale-compare");
  json.Key("version");
  json.Int(1);
  json.Key("base");
  write_run(json, comparison.base);
  json.Key("new");
  write_run(json, comparison.now);
  json.Key("max_regression_pct");
  json.Double(comparison.settings.max_regression_pct);
  json.Key("confidence");
  json.Double(comparison.settings.confidence);
  json.Key("names");
  json.StartArray();
  for (const NameComparison& name : comparison.names) {
    json.StartObject();
    json.Key("method");
    json.String(name.method);
    json.Key("name");
    json.String(name.name);
    json.Key("aggregate");
    json.Bool(name.aggregate);
    json.Key("figures");
    json.StartArray();
    for (const Figure& figure : name.figures) write_figure(json, figure);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("only_in_base");
  write_names(json, comparison.only_in_base);
  json.Key("only_in_new");
  write_names(json, comparison.only_in_new);
  const size_t regressions = comparison.regressions().size();
  json.Key("regressions");
  json.Uint64(regressions);
  json.Key("verdict");
  json.String(regressions == 0 ? "no regression" : "regression");
  json.EndObject();
  stream.Flush();
}

std::string comparison_json(const Comparison& comparison) {
  std::ostringstream out;
  write_comparison_json(out, comparison);
  return out.str();
}

}  // namespace ragscale::compare
