// Fuzz target: scenario templates ("{{ expr }}" text, scenario::Template::compile and
// render) under every Escape, against data sources, environment and vars full of
// awkward text. Compile errors must be TemplateError; rendered text must be encoded as
// its Escape promises (see scenario_fixture.h). Input: the template text.
#include <cstddef>
#include <cstdint>

#include "scenario_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale;
  using scenario::Escape;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const scenario::TemplateContext context = fuzz::awkward_context();
  for (Escape escape : {Escape::kNone, Escape::kHeader, Escape::kUrlPath, Escape::kUrlComponent, Escape::kJsonString,
                        Escape::kJsonValue}) {
    scenario::Template compiled;
    try {
      compiled = scenario::Template::compile(text, escape, context);
    } catch (const scenario::TemplateError&) {
      return 0;  // the same text fails under every escape
    }
    std::vector<std::string> vars;
    compiled.collect_vars(vars);
    scenario::UserState user = fuzz::awkward_user(vars);
    scenario::Rng rng(fuzz::hash_of(text));
    for (int round = 0; round < 2; ++round) {
      ++user.render_epoch;
      std::string out;
      compiled.render(out, user, rng);
      fuzz::check_escaped(out, escape, compiled.is_single_expression());
      if (compiled.is_static() && out != compiled.static_text()) fuzz::fail("a static template rendered other text");
    }
  }
  return 0;
}
