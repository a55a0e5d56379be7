// The search against simulated systems whose capacity is known, with the real step
// judgement (StepMonitor, judge_step, SaturationDetector) deciding each simulated second.
#include "capacity/capacity_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "capacity/counted_evidence.h"
#include "capacity/step_monitor.h"

namespace ragscale::capacity {
namespace {

// A target with a known capacity C (requests/s). kRateLimited answers the excess above C at
// once with an error (nginx limit_req); kQueue serves C per second and queues the rest, so
// above C latency grows with the step (8 slots of 0.5 s answers).
struct SimulatedSystem {
  enum class Kind { kRateLimited, kQueue };
  SimulatedSystem(Kind kind_of_system, double capacity_per_second) : kind(kind_of_system), capacity(capacity_per_second) {}
  Kind kind;
  double capacity;
  std::mt19937_64 rng{42};
  int steps_run = 0;
  double seconds_run = 0;

  struct Step {
    StepResult result;
    StepVerdict verdict;
    double seconds = 0;
  };
  std::vector<Step> log;

  StepResult run(const std::vector<CapacitySlo>& slos, StepTiming timing, double load) {
    ++steps_run;
    StepMonitor monitor(slos, timing, load);
    CountedEvidence evidence;
    SecondObservation observation;
    double backlog = 0;
    double refused_carry = 0;
    const double service_seconds = 0.5;
    std::poisson_distribution<uint64_t> arrivals(load);
    double t = 0;
    for (t = 1; t <= timing.max_seconds + 1e-9; t += 1) {
      const uint64_t arrived = arrivals(rng);
      uint64_t served = arrived;
      if (kind == Kind::kRateLimited) {
        // A limiter refuses the excess share of what arrives, as evenly as it can.
        const double refused_share = load > capacity ? (load - capacity) / load : 0.0;
        refused_carry += static_cast<double>(arrived) * refused_share;
        const auto failed = static_cast<uint64_t>(refused_carry);
        refused_carry -= static_cast<double>(failed);
        evidence.hits += failed;
        for (uint64_t i = 0; i < arrived; ++i) evidence.latency.record(i < failed ? 200 : 1000);
        observation.in_flight = 1;
      } else {
        backlog = std::max(0.0, backlog + static_cast<double>(arrived) - capacity);
        served = static_cast<uint64_t>(std::min<double>(static_cast<double>(arrived) + backlog, capacity));
        const double wait = backlog / capacity;
        for (uint64_t i = 0; i < arrived; ++i) {
          evidence.latency.record(static_cast<uint64_t>((service_seconds + wait) * 1e6));
        }
        observation.in_flight = static_cast<uint64_t>(load * service_seconds + backlog);
      }
      evidence.requests += arrived;
      observation.elapsed_seconds = t;
      observation.iterations += served;
      if (monitor.observe(observation, evidence)) break;
    }
    Step step;
    step.verdict = monitor.finish(evidence);
    step.seconds = std::min(t, timing.max_seconds);
    step.result.verdict = step.verdict.verdict;
    step.result.estimate_meets = step.verdict.estimate_meets;
    seconds_run += step.seconds;
    log.push_back(step);
    return step.result;
  }
};

std::vector<CapacitySlo> slos_of(std::initializer_list<const char*> texts) {
  std::vector<CapacitySlo> slos;
  for (const char* text : texts) slos.push_back(parse_capacity_slo(text));
  return slos;
}

TEST(CapacitySearch, ConvergesOnARateLimitedSystemWithinTheTolerance) {
  const auto slos = slos_of({"http_req_failed:rate<0.01"});
  for (double capacity : {1000.0, 230.0, 4100.0}) {
    SimulatedSystem system{SimulatedSystem::Kind::kRateLimited, capacity};
    SearchSettings settings;
    settings.start = 46;
    const SearchResult result = search_capacity(settings, [&](double load, SearchPhase) {
      return system.run(slos, StepTiming{}, load);
    });
    ASSERT_EQ(result.end, SearchEnd::kConverged) << capacity;
    ASSERT_TRUE(result.last_pass && result.first_fail);
    // Errors stay below 1% up to C / 0.99; the bracket is within 5% and holds that point.
    EXPECT_LE(*result.first_fail, *result.last_pass * 1.05 + 1e-9);
    EXPECT_LE(*result.last_pass, capacity / 0.99 * 1.001) << capacity;
    EXPECT_GE(*result.last_pass, capacity / 1.05 * 0.999) << capacity;
    EXPECT_LE(system.steps_run, 14);
  }
}

TEST(CapacitySearch, SaturatedStepsOfALatencyBoundSystemStopEarlyAndFail) {
  const auto slos = slos_of({"http_req_duration:p(95)<2000"});
  SimulatedSystem system{SimulatedSystem::Kind::kQueue, 16};
  SearchSettings settings;
  settings.start = 9;
  const StepTiming timing;
  const SearchResult result = search_capacity(settings, [&](double load, SearchPhase) {
    return system.run(slos, timing, load);
  });
  ASSERT_TRUE(result.last_pass);
  EXPECT_GE(*result.last_pass, 16 * 0.9);
  EXPECT_LE(*result.last_pass, 16 * 1.1);
  // 18/s and beyond: the queue grows, so the step fails, by its latency or as saturated.
  for (size_t i = 0; i < result.steps.size(); ++i) {
    if (result.steps[i].load >= 18) {
      EXPECT_EQ(system.log[i].verdict.verdict, Verdict::kFail);
    }
  }
  // Twice the capacity: saturated well before the step's time.
  system.run(slos, timing, 32);
  EXPECT_EQ(system.log.back().verdict.bound_by, "saturation");
  EXPECT_LT(system.log.back().seconds, timing.min_seconds);
  EXPECT_NE(system.log.back().verdict.why.find("in flight rose"), std::string::npos) << system.log.back().verdict.why;
}

TEST(CapacitySearch, AStepNearTheLimitStaysUndecidedAndCountsAsNotPassing) {
  // 1010/s against 1000: a true error rate of 0.99% against a 1% limit cannot be told apart
  // in 30 s (about 30000 requests), so the step is undecided, and the bracket ends there.
  const auto slos = slos_of({"http_req_failed:rate<0.01"});
  SimulatedSystem system{SimulatedSystem::Kind::kRateLimited, 1000};
  const StepResult near = system.run(slos, StepTiming{}, 1010);
  EXPECT_EQ(near.verdict, Verdict::kUndecided);
  EXPECT_TRUE(near.estimate_meets);

  SearchSettings settings;
  settings.start = 1000;
  settings.tolerance = 0.001;
  const SearchResult result = search_capacity(settings, [&](double load, SearchPhase) {
    StepResult step;
    step.verdict = load < 1004 ? Verdict::kPass : load < 1012 ? Verdict::kUndecided : Verdict::kFail;
    step.estimate_meets = load < 1010;
    return step;
  });
  ASSERT_TRUE(result.last_pass && result.first_fail);
  EXPECT_LT(*result.last_pass, 1004);
  EXPECT_GE(*result.first_fail, 1004);
  EXPECT_LT(*result.first_fail, 1005.1);
}

TEST(CapacitySearch, UndecidedLowLoadsThatLookGoodLetTheGrowthGoOn) {
  SearchSettings settings;
  settings.start = 1;
  const SearchResult result = search_capacity(settings, [&](double load, SearchPhase) {
    StepResult step;
    // Below 8 too few samples to decide; a pass up to 100; beyond, a failure.
    step.verdict = load < 8 ? Verdict::kUndecided : load <= 100 ? Verdict::kPass : Verdict::kFail;
    step.estimate_meets = load <= 100;
    return step;
  });
  ASSERT_EQ(result.end, SearchEnd::kConverged);
  EXPECT_EQ(result.steps[0].load, 1);
  EXPECT_EQ(result.steps[3].load, 8);
  EXPECT_GE(*result.last_pass, 100 / 1.05);
  EXPECT_LE(*result.last_pass, 100);
}

TEST(CapacitySearch, NoPassWhenTheFirstStepFails) {
  const SearchResult result = search_capacity(SearchSettings{}, [](double, SearchPhase) { return StepResult{}; });
  EXPECT_EQ(result.end, SearchEnd::kNoPass);
  EXPECT_FALSE(result.last_pass);
  ASSERT_TRUE(result.first_fail);
  EXPECT_EQ(result.steps.size(), 1u);
}

TEST(CapacitySearch, StopsAtMaxWhenNothingFails) {
  SearchSettings settings;
  settings.start = 10;
  settings.max = 50;
  const SearchResult result = search_capacity(settings, [](double, SearchPhase) {
    return StepResult{Verdict::kPass, true, false};
  });
  EXPECT_EQ(result.end, SearchEnd::kReachedMax);
  EXPECT_EQ(*result.last_pass, 50);
  EXPECT_FALSE(result.first_fail);
  ASSERT_EQ(result.steps.size(), 4u);  // 10, 20, 40, 50
  EXPECT_EQ(result.steps.back().load, 50);
}

TEST(CapacitySearch, AnInterruptedStepKeepsWhatWasFound) {
  SearchSettings settings;
  settings.start = 10;
  const SearchResult result = search_capacity(settings, [](double load, SearchPhase) {
    StepResult step{Verdict::kPass, true, false};
    if (load >= 40) step.interrupted = true;
    return step;
  });
  EXPECT_EQ(result.end, SearchEnd::kInterrupted);
  EXPECT_EQ(*result.last_pass, 20);
  EXPECT_EQ(result.steps.size(), 3u);
}

TEST(CapacitySearch, WholeUsersStopWhenNoWholeNumberLiesBetween) {
  SearchSettings settings;
  settings.start = 1;
  settings.whole_numbers = true;
  settings.tolerance = 0.001;
  const SearchResult result = search_capacity(settings, [](double users, SearchPhase) {
    EXPECT_EQ(users, std::round(users));
    return StepResult{users <= 13 ? Verdict::kPass : Verdict::kFail, users <= 13, false};
  });
  EXPECT_EQ(result.end, SearchEnd::kConverged);
  EXPECT_EQ(*result.last_pass, 13);
  EXPECT_EQ(*result.first_fail, 14);
}

}  // namespace
}  // namespace ragscale::capacity
