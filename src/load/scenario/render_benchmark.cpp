// Rendering cost per request for a typical templated JSON POST and a static GET.
#include <benchmark/benchmark.h>

#include "load/scenario/render.h"
#include "load/scenario/scenario.h"

namespace ragscale::scenario {
namespace {

const char* kScenario = R"(host: http://127.0.0.1:8000
data:
  topics: {values: [ml, rag, vectors, embeddings]}
users:
  - tasks:
      - method: POST
        path: /query
        headers: {X-Request-Id: "{{ uuid() }}"}
        json: {question: "what is {{ pick(topics) }}?", max_sources: "{{ randint(1,8) }}", user: "{{ user_id }}"}
        query: {topic: "{{ pick(topics) }}"}
      - {path: /health}
)";

void BM_RenderTemplatedPost(benchmark::State& state) {
  Scenario scenario = load_scenario_text(kScenario, "bench.yaml", "");
  const RequestSpec& spec = scenario.users[0].tasks[0].steps[0];
  UserState user;
  Rng rng(1);
  RenderedRequest out;
  for (auto _ : state) {
    render_into(spec, user, rng, out);
    benchmark::DoNotOptimize(out.body.data());
  }
}
BENCHMARK(BM_RenderTemplatedPost);

void BM_RenderStaticGet(benchmark::State& state) {
  Scenario scenario = load_scenario_text(kScenario, "bench.yaml", "");
  const RequestSpec& spec = scenario.users[0].tasks[1].steps[0];
  UserState user;
  Rng rng(1);
  RenderedRequest out;
  for (auto _ : state) {
    render_into(spec, user, rng, out);
    benchmark::DoNotOptimize(out.target.data());
  }
}
BENCHMARK(BM_RenderStaticGet);

}  // namespace
}  // namespace ragscale::scenario
