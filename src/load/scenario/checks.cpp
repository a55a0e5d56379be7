#include "load/scenario/checks.h"

#include "common/duration.h"

namespace ragscale::scenario {
namespace {

CheckOutcome failed(std::string message) {
  return CheckOutcome{CheckOutcome::kFailed, true, std::move(message)};
}

std::string describe_statuses(const std::vector<StatusRange>& ranges) {
  std::string text;
  for (const auto& range : ranges) {
    if (!text.empty()) text += ", ";
    if (range.low == range.high) {
      text += std::to_string(range.low);
    } else if (range.low % 100 == 0 && range.high == range.low + 99) {
      text += std::to_string(range.low / 100) + "xx";
    } else {
      text += std::to_string(range.low) + "-" + std::to_string(range.high);
    }
  }
  return text;
}

}  // namespace

bool needs_body(const RequestSpec& spec) {
  const CheckSpec& check = spec.check;
  return !check.contains.empty() || !check.json_has.empty() || !check.json_equals.empty() || !spec.extract.empty() ||
         spec.poll.has_value() || spec.whole_answer;
}

CheckOutcome evaluate_status(const RequestSpec& spec, int status) {
  for (int limited : spec.rate_limited) {
    if (status == limited) {
      return CheckOutcome{CheckOutcome::kRateLimited, spec.rate_limited_is_failure,
                          "rate limited (HTTP " + std::to_string(status) + ")"};
    }
  }
  if (status <= 0) return failed("no response");
  if (spec.check.status.empty()) {
    if (status < 200 || status >= 400) return failed("HTTP " + std::to_string(status));
    return {};
  }
  for (const auto& range : spec.check.status) {
    if (range.contains(status)) return {};
  }
  return failed("HTTP " + std::to_string(status) + " (expected " + describe_statuses(spec.check.status) + ")");
}

CheckOutcome evaluate(const RequestSpec& spec, int status, ResponseBody& body, uint64_t latency_us) {
  CheckOutcome outcome = evaluate_status(spec, status);
  if (outcome.kind != CheckOutcome::kOk) return outcome;
  const CheckSpec& check = spec.check;
  for (const auto& needle : check.contains) {
    if (body.text().find(needle) == std::string_view::npos) return failed("body does not contain \"" + needle + "\"");
  }
  if (!check.json_has.empty() || !check.json_equals.empty()) {
    if (!body.is_json()) return failed("body is not JSON");
    for (const auto& pointer : check.json_has) {
      if (!body.at(pointer)) return failed("JSON body has no " + pointer);
    }
    for (const auto& [pointer, expected] : check.json_equals) {
      const rapidjson::Value* value = body.at(pointer);
      if (!value) return failed("JSON body has no " + pointer);
      std::string actual = value_text(*value);
      if (actual != expected) return failed(pointer + " is \"" + actual + "\", expected \"" + expected + "\"");
    }
  }
  if (check.max_latency && latency_us > static_cast<uint64_t>(check.max_latency->count())) {
    return failed("slower than " + format_duration(*check.max_latency));
  }
  return {};
}

CheckOutcome evaluate(const RequestSpec& spec, int status, std::string_view body, uint64_t latency_us) {
  ResponseBody parsed(body);
  return evaluate(spec, status, parsed, latency_us);
}

}  // namespace ragscale::scenario
