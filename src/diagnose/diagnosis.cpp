#include "diagnose/diagnosis.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <algorithm>

#include "common/json_fields.h"
#include "diagnose/rules.h"

namespace ragscale::diagnose {

Diagnosis diagnose_run(const RunEvidence& run) {
  Diagnosis diagnosis;
  using Rule = std::optional<Finding> (*)(const RunEvidence&);
  constexpr Rule kRules[] = {check_generator_saturated, check_cpu_bound_target, check_throughput_plateau,
                             check_rate_limited,        check_cache_hit_rate,   check_memory_growth,
                             check_error_bursts,        check_recovery};
  for (Rule rule : kRules) {
    if (auto finding = rule(run)) diagnosis.findings.push_back(std::move(*finding));
  }
  std::stable_sort(diagnosis.findings.begin(), diagnosis.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  const auto& aggregate = run.summary().stats.aggregate();
  diagnosis.requests = aggregate.requests();
  if (diagnosis.requests > 0) {
    diagnosis.availability = 1 - double(aggregate.failures()) / double(diagnosis.requests);
  }
  diagnosis.scraped = !run.targets().empty();
  return diagnosis;
}

void write_diagnosis_text(std::ostream& out, const Diagnosis& diagnosis) {
  out << "Availability: " << number(diagnosis.availability * 100, 3) << "% of " << diagnosis.requests << " requests\n";
  if (diagnosis.findings.empty()) {
    out << "No bottleneck found: no rule's threshold was crossed"
        << (diagnosis.scraped ? "" : " (the run scraped no target metrics; --scrape URL lets more rules look)") << "\n";
    return;
  }
  int rank = 0;
  for (const auto& finding : diagnosis.findings) {
    out << "\n" << ++rank << ". " << finding.title << "  [" << finding.rule << ", severity "
        << number(finding.severity, 2) << "]\n";
    for (const auto& line : finding.evidence) out << "   - " << line << "\n";
    out << "   what to do: " << finding.advice << "\n";
  }
}

void write_diagnosis_json(std::ostream& out, const Diagnosis& diagnosis) {
  rapidjson::OStreamWrapper stream(out);
  rapidjson::PrettyWriter<rapidjson::OStreamWrapper> json(stream);
  json.SetIndent(' ', 2);
  json.StartObject();
  put_field(json, "availability", diagnosis.availability);
  put_field(json, "requests", diagnosis.requests);
  put_field(json, "scraped", diagnosis.scraped);
  json.Key("findings");
  json.StartArray();
  for (const auto& finding : diagnosis.findings) {
    json.StartObject();
    put_field(json, "rule", finding.rule);
    put_field(json, "severity", finding.severity);
    put_field(json, "title", finding.title);
    json.Key("evidence");
    json.StartArray();
    for (const auto& line : finding.evidence) json.String(line.c_str());
    json.EndArray();
    put_field(json, "advice", finding.advice);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  out << "\n";
}

}  // namespace ragscale::diagnose
