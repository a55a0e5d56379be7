// Fuzz target: what `ragscale load` does with a response body it was sent: checks
// (contains, json_has, json_eq), extract: into vars and poll: decisions
// (scenario::evaluate, apply_extracts, decide_poll) with pointers into objects, arrays,
// escaped keys and the whole document. An extracted non-string value must be JSON
// that parses back to the same value (the same text when written again). Input: a response body.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "load/scenario/checks.h"
#include "load/scenario/extraction.h"
#include "load/scenario/poll.h"
#include "load/scenario/response_body.h"

namespace {

using namespace ragscale::scenario;

RequestSpec judging_step() {
  RequestSpec spec;
  spec.check.status = {{200, 299}};
  spec.check.contains = {"answer"};
  spec.check.json_has = {"/answer", "/items/0/id", "", "/a~1b", "/~0/-"};
  spec.check.json_equals = {{"/status", "ready"}, {"/n", "5"}, {"/items", "[]"}};
  spec.rate_limited = {429};
  for (const char* pointer : {"/access_token", "/items/0/id", "", "/items", "/n", "/a~1b/0", "/sources/1/title"}) {
    spec.extract.push_back({std::string("v") + std::to_string(spec.extract.size()), pointer});
  }
  spec.poll = PollSpec{"/status", {"ready", "failed", "1", "null"}, std::chrono::milliseconds(1), 3};
  return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const RequestSpec spec = judging_step();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ResponseBody body(text);
  for (int status : {200, 429, 500}) (void)evaluate(spec, status, body, 1000);
  UserState user;
  apply_extracts(spec, body, user);
  for (const auto& extract : spec.extract) {
    const rapidjson::Value* value = body.at(extract.pointer);
    if (!value) continue;
    const std::string& extracted = user.vars.at(extract.var);
    if (value->IsString()) continue;
    // Full precision: the text is the shortest form of the double the body held, which
    // rapidjson's faster default parse may read back a few ULPs off. Infinity stands for
    // numbers beyond a double's range (see value_text).
    rapidjson::Document again;
    again.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag>(extracted.data(), extracted.size());
    // Compared as text: rapidjson's operator== looks up duplicate keys by name only.
    if (again.HasParseError() || value_text(again) != extracted) {
      ragscale::fuzz::fail("extracted JSON does not parse back to its value", extracted);
    }
  }
  for (uint32_t attempt = 1; attempt <= 3; ++attempt) (void)decide_poll(spec, body, attempt);
  return 0;
}
