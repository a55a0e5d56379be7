#include "load/compiled_scenario.h"

#include "http/request_format.h"
#include "load/scenario/checks.h"
#include "load/scenario/render.h"

namespace ragscale::load {

namespace {

CompiledStep compile_step(const scenario::RequestSpec& spec, const ResolvedTarget& target, StatsShard& shard) {
  CompiledStep step;
  step.spec = &spec;
  step.endpoint_id = shard.endpoint_id(spec.method, spec.stats_name);
  step.needs_body = scenario::needs_body(spec);
  step.head_request = spec.method == "HEAD";
  if (spec.is_static()) {
    scenario::UserState nobody;
    scenario::Rng unused;
    scenario::RenderedRequest rendered = scenario::render(spec, nobody, unused);
    step.static_bytes =
        http::format_request(rendered.method, rendered.target, target.host_header, rendered.headers, rendered.body);
  }
  return step;
}

std::vector<uint32_t> smooth_weighted_pattern(const std::vector<std::pair<uint32_t, uint32_t>>& weighted) {
  // nginx's smooth weighted round robin over one full period (capped for huge weights).
  uint64_t total = 0;
  for (const auto& [index, weight] : weighted) total += weight;
  std::vector<uint32_t> pattern;
  if (total == 0) return pattern;
  const uint64_t period = std::min<uint64_t>(total, 100000);
  std::vector<int64_t> current(weighted.size(), 0);
  pattern.reserve(period);
  for (uint64_t step = 0; step < period; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < weighted.size(); ++i) {
      current[i] += weighted[i].second;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= static_cast<int64_t>(total);
    pattern.push_back(weighted[best].first);
  }
  return pattern;
}

}  // namespace

uint32_t CompiledScenario::class_of(uint64_t user_index) const {
  for (const auto& [index, count] : fixed) {
    if (user_index < count) return index;
    user_index -= count;
  }
  if (class_pattern.empty()) return fixed.empty() ? 0 : fixed.back().first;
  return class_pattern[user_index % class_pattern.size()];
}

CompiledScenario compile_scenario(const scenario::Scenario& scenario, const std::vector<ResolvedTarget>& targets,
                                  StatsShard& shard) {
  CompiledScenario compiled;
  std::vector<std::pair<uint32_t, uint32_t>> weighted;
  for (size_t i = 0; i < scenario.users.size(); ++i) {
    const scenario::UserClass& user_class = scenario.users[i];
    CompiledClass cls;
    cls.spec = &user_class;
    cls.target = &targets[i];
    for (const auto& step : user_class.on_start) cls.on_start.push_back(compile_step(step, targets[i], shard));
    for (const auto& task : user_class.tasks) {
      CompiledTask compiled_task;
      compiled_task.task = &task;
      for (const auto& step : task.steps) compiled_task.steps.push_back(compile_step(step, targets[i], shard));
      cls.tasks.push_back(std::move(compiled_task));
    }
    compiled.classes.push_back(std::move(cls));
    if (user_class.fixed_count > 0) {
      compiled.fixed.emplace_back(static_cast<uint32_t>(i), user_class.fixed_count);
    } else {
      weighted.emplace_back(static_cast<uint32_t>(i), user_class.weight);
    }
  }
  compiled.class_pattern = smooth_weighted_pattern(weighted);
  return compiled;
}

}  // namespace ragscale::load
