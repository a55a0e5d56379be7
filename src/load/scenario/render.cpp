#include "load/scenario/render.h"

namespace ragscale::scenario {

const std::string* missing_var(const RequestSpec& spec, const UserState& user) {
  for (const auto& name : spec.required_vars) {
    if (user.vars.find(name) == user.vars.end()) return &name;
  }
  return nullptr;
}

void render_into(const RequestSpec& spec, UserState& user, Rng& rng, RenderedRequest& out) {
  // A new epoch invalidates the rows pick() cached for the previous request.
  ++user.render_epoch;
  out.method = spec.method;
  out.target.clear();
  spec.target.render(out.target, user, rng);
  out.headers.resize(spec.headers.size());
  for (size_t i = 0; i < spec.headers.size(); ++i) {
    out.headers[i].first = spec.headers[i].name;
    out.headers[i].second.clear();
    spec.headers[i].value.render(out.headers[i].second, user, rng);
  }
  out.body.clear();
  if (spec.has_body) spec.body.render(out.body, user, rng);
}

RenderedRequest render(const RequestSpec& spec, UserState& user, Rng& rng) {
  RenderedRequest out;
  render_into(spec, user, rng, out);
  return out;
}

}  // namespace ragscale::scenario
