#include "serve/query/answer_flight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ragscale::serve {
namespace {

struct Recorder {
  std::vector<std::string> frames;
  std::vector<FlightResult> results;
  AnswerFlight::Listener listener(bool stream) {
    AnswerFlight::Listener l;
    if (stream) l.on_frame = [this](const std::string& frame) { frames.push_back(frame); };
    l.on_done = [this](const FlightResult& result) { results.push_back(result); };
    return l;
  }
};

FlightResult answer(const std::string& core) {
  FlightResult result;
  result.core = core;
  return result;
}

TEST(AnswerFlightTest, EveryListenerGetsTheOneResult) {
  AnswerFlight flight;
  Recorder a, b;
  flight.join(a.listener(false));
  flight.join(b.listener(false));
  flight.complete(answer("{\"answer\":\"x\""));
  ASSERT_EQ(a.results.size(), 1u);
  ASSERT_EQ(b.results.size(), 1u);
  EXPECT_EQ(a.results[0].core, b.results[0].core);
  EXPECT_EQ(flight.listeners(), 0u);
  flight.complete(answer("again"));  // ignored
  EXPECT_EQ(a.results.size(), 1u);
}

TEST(AnswerFlightTest, ALateStreamingJoinerGetsTheFramesSoFarThenTheRest) {
  AnswerFlight flight;
  Recorder early, late;
  flight.join(early.listener(true));
  flight.emit("t1");
  flight.emit("t2");
  flight.join(late.listener(true));
  flight.emit("t3");
  flight.complete(answer("done"));
  EXPECT_EQ(early.frames, (std::vector<std::string>{"t1", "t2", "t3"}));
  EXPECT_EQ(late.frames, early.frames);
  EXPECT_EQ(late.results.size(), 1u);
}

TEST(AnswerFlightTest, JoiningACompletedFlightAnswersAtOnce) {
  AnswerFlight flight;
  flight.complete(answer("core"));
  Recorder r;
  EXPECT_EQ(flight.join(r.listener(true)), 0u);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].core, "core");
}

TEST(AnswerFlightTest, PlainListenersSeeNoFrames) {
  AnswerFlight flight;
  Recorder plain;
  flight.join(plain.listener(false));
  flight.emit("t1");
  flight.complete(answer("core"));
  EXPECT_TRUE(plain.frames.empty());
  EXPECT_EQ(plain.results.size(), 1u);
}

TEST(AnswerFlightTest, TheLastListenerLeavingAbandonsTheFlight) {
  int abandoned = 0;
  AnswerFlight flight([&abandoned](const AnswerFlight*) { ++abandoned; });
  Recorder a, b;
  auto first = flight.join(a.listener(false));
  auto second = flight.join(b.listener(false));
  flight.leave(first);
  EXPECT_FALSE(flight.cancel_signal()->cancelled()) << "one listener still waits";
  EXPECT_EQ(abandoned, 0);
  flight.leave(second);
  EXPECT_TRUE(flight.cancel_signal()->cancelled());
  EXPECT_EQ(abandoned, 1);
  flight.leave(second);  // twice: nothing more
  EXPECT_EQ(abandoned, 1);
}

TEST(AnswerFlightTest, LeavingAfterTheEndAbandonsNothing) {
  int abandoned = 0;
  AnswerFlight flight([&abandoned](const AnswerFlight*) { ++abandoned; });
  Recorder a;
  auto id = flight.join(a.listener(false));
  flight.complete(answer("core"));
  flight.leave(id);
  EXPECT_EQ(abandoned, 0);
  EXPECT_FALSE(flight.cancel_signal()->cancelled());
}

TEST(AnswerFlightTest, AKeepAliveFlightIsNeverAbandoned) {
  AnswerFlight flight(nullptr, true);
  Recorder a;
  auto id = flight.join(a.listener(false));
  flight.leave(id);
  EXPECT_FALSE(flight.cancel_signal()->cancelled());
}

TEST(AnswerFlightTest, ConcurrentJoinersEachGetEveryFrameInOrderAndOneResult) {
  AnswerFlight flight;
  constexpr int kJoiners = 8;
  constexpr int kFrames = 500;
  std::vector<Recorder> recorders(kJoiners);
  std::vector<std::thread> joiners;
  std::atomic<bool> go{false};
  for (int i = 0; i < kJoiners; ++i) {
    joiners.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      flight.join(recorders[i].listener(true));
    });
  }
  go.store(true);
  for (int i = 0; i < kFrames; ++i) flight.emit(std::to_string(i));
  for (auto& joiner : joiners) joiner.join();
  flight.complete(answer("core"));
  for (const auto& recorder : recorders) {
    ASSERT_EQ(recorder.frames.size(), static_cast<size_t>(kFrames));
    for (int i = 0; i < kFrames; ++i) ASSERT_EQ(recorder.frames[i], std::to_string(i));
    EXPECT_EQ(recorder.results.size(), 1u);
  }
}

}  // namespace
}  // namespace ragscale::serve
