// write_comparison_json (comparison_outputs.h): the rendering for scripts.
#include <sstream>

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/writer.h>

#include "common/json_fields.h"
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
  put_field(json, "file", run.file);
  put_field(json, "host", run.host);
  put_field(json, "scenario", run.scenario);
  put_field(json, "requests", run.requests);
  put_field(json, "duration_s", run.duration_s);
  json.EndObject();
}

void write_figure(JsonWriter& json, const Figure& figure) {
  json.StartObject();
  put_field(json, "figure", figure.label);
  put_field(json, "unit", unit_name(figure.unit));
  put_field(json, "base", in_unit(figure, figure.base));
  put_field(json, "new", in_unit(figure, figure.now));
  put_field(json, "delta_pct", figure.delta_pct);
  json.Key("ci");
  if (figure.change) {
    json.StartArray();
    json.Double(figure.change->low);
    json.Double(figure.change->high);
    json.EndArray();
  } else {
    json.Null();
  }
  put_field(json, "ci_unit", figure.change_in_points ? "pp" : "%");
  put_field(json, "limit", figure.limit);
  put_field(json, "better_when", figure.direction == Direction::kLowerIsBetter ? "lower" : "higher");
  put_field(json, "verdict", verdict_name(figure.verdict));
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
  put_field(json, "format", "ragscale-compare");
  put_field(json, "version", 1);
  json.Key("base");
  write_run(json, comparison.base);
  json.Key("new");
  write_run(json, comparison.now);
  put_field(json, "max_regression_pct", comparison.settings.max_regression_pct);
  put_field(json, "confidence", comparison.settings.confidence);
  json.Key("names");
  json.StartArray();
  for (const NameComparison& name : comparison.names) {
    json.StartObject();
    put_field(json, "method", name.method);
    put_field(json, "name", name.name);
    put_field(json, "aggregate", name.aggregate);
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
  put_field(json, "regressions", regressions);
  put_field(json, "verdict", regressions == 0 ? "no regression" : "regression");
  json.EndObject();
  stream.Flush();
}

std::string comparison_json(const Comparison& comparison) {
  std::ostringstream out;
  write_comparison_json(out, comparison);
  return out.str();
}

}  // namespace ragscale::compare
