// Remembering values from responses: extract: {var: /json/pointer} -> vars.var.
//
// Contract: for each ExtractSpec whose pointer resolves in the JSON body, sets
// user.vars[var] to the value's text (strings raw, other values as compact JSON).
// A pointer that does not resolve (or a non-JSON body) leaves the variable as it was,
// so a later step reading it is skipped rather than sent with stale or empty data.
// Returns true when every extraction found its value.
#pragma once

#include <string_view>

#include "load/scenario/request_spec.h"
#include "load/scenario/response_body.h"
#include "load/scenario/user_state.h"

namespace ragscale::scenario {

bool apply_extracts(const RequestSpec& spec, ResponseBody& body, UserState& user);
bool apply_extracts(const RequestSpec& spec, std::string_view body, UserState& user);

}  // namespace ragscale::scenario
