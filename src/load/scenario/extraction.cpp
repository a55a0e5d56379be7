#include "load/scenario/extraction.h"

namespace ragscale::scenario {

bool apply_extracts(const RequestSpec& spec, ResponseBody& body, UserState& user) {
  bool all_found = true;
  for (const auto& extract : spec.extract) {
    const rapidjson::Value* value = body.at(extract.pointer);
    if (!value) {
      all_found = false;
      continue;
    }
    user.vars[extract.var] = value_text(*value);
  }
  return all_found;
}

bool apply_extracts(const RequestSpec& spec, std::string_view body, UserState& user) {
  ResponseBody parsed(body);
  return apply_extracts(spec, parsed, user);
}

}  // namespace ragscale::scenario
