#include "serve/resilience/bucketed_window.h"

#include <gtest/gtest.h>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;

struct Pair {
  uint64_t a = 0;
  uint64_t b = 0;
  Pair& operator+=(const Pair& o) {
    a += o.a;
    b += o.b;
    return *this;
  }
  Pair& operator-=(const Pair& o) {
    a -= o.a;
    b -= o.b;
    return *this;
  }
};

TEST(BucketedWindow, SumsWhatIsInsideTheWindow) {
  BucketedWindow<Pair> window(1s, 3);
  TimePoint t0{100s};
  window.add({1, 0}, t0);
  window.add({1, 1}, t0 + 500ms);
  window.add({1, 0}, t0 + 1s);
  EXPECT_EQ(window.total(t0 + 1s).a, 3u);
  EXPECT_EQ(window.total(t0 + 2999ms).a, 3u);  // bucket 100 is still the oldest of 3
  EXPECT_EQ(window.total(t0 + 3s).a, 1u);      // bucket 100 left, 101 remains
  EXPECT_EQ(window.total(t0 + 3s).b, 0u);
  EXPECT_EQ(window.total(t0 + 4s).a, 0u);
}

TEST(BucketedWindow, ALongGapEmptiesEverything) {
  BucketedWindow<Pair> window(1s, 10);
  TimePoint t0{5s};
  for (int i = 0; i < 10; ++i) window.add({1, 1}, t0 + i * 1s);
  EXPECT_EQ(window.total(t0 + 9s).a, 10u);
  EXPECT_EQ(window.total(t0 + 1h).a, 0u);
  window.add({2, 0}, t0 + 1h);
  EXPECT_EQ(window.total(t0 + 1h).a, 2u);
}

TEST(BucketedWindow, TimeGoingBackwardsCountsIntoTheNewestBucket) {
  BucketedWindow<Pair> window(1s, 2);
  TimePoint t0{10s};
  window.add({1, 0}, t0 + 1s);
  window.add({1, 0}, t0);  // older than the head: counted into the head's bucket
  EXPECT_EQ(window.total(t0 + 2s).a, 2u);
  EXPECT_EQ(window.total(t0 + 3s).a, 0u);
}

TEST(BucketedWindow, WorksBeforeTheClockEpochAndClears) {
  BucketedWindow<Pair> window(1s, 2);
  TimePoint before{-1500ms};  // bucket -2
  window.add({1, 0}, before);
  window.add({1, 0}, TimePoint{-500ms});  // bucket -1
  EXPECT_EQ(window.total(TimePoint{-1ns}).a, 2u);
  EXPECT_EQ(window.total(TimePoint{0ns}).a, 1u);
  window.clear();
  EXPECT_EQ(window.total(TimePoint{0ns}).a, 0u);
}

TEST(BucketedWindow, RejectsAnEmptyShape) {
  EXPECT_THROW(BucketedWindow<Pair>(0s, 3), std::invalid_argument);
  EXPECT_THROW(BucketedWindow<Pair>(1s, 0), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::serve::resilience
