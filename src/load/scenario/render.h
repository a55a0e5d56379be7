// Turning a RequestSpec into the concrete request one user sends now.
//
// Contract: rendering never parses; it appends compiled template segments. target is
// path?query, already URL-encoded; headers hold the step's headers including
// Content-Type when there is a body (Host/Content-Length are the codec's job).
// Every pick(src) of one source within one render uses the same row.
// A step that reads vars.NAME before NAME was extracted must be skipped by the
// executor (reported as a skipped step): check missing_var() first. If rendered anyway,
// a missing variable renders as empty text.
// render_into reuses the capacity of `out`, so a per-connection RenderedRequest makes
// steady-state rendering allocation-free for requests of similar size.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "load/scenario/request_spec.h"
#include "load/scenario/rng.h"
#include "load/scenario/user_state.h"

namespace ragscale::scenario {

struct RenderedRequest {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The first vars.NAME the step reads that this user has not set, or nullptr.
const std::string* missing_var(const RequestSpec& spec, const UserState& user);

void render_into(const RequestSpec& spec, UserState& user, Rng& rng, RenderedRequest& out);
RenderedRequest render(const RequestSpec& spec, UserState& user, Rng& rng);

}  // namespace ragscale::scenario
