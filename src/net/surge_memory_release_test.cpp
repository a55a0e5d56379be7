#include "net/surge_memory_release.h"

#include <gtest/gtest.h>

namespace ragscale::net {
namespace {

TEST(SurgeMemoryRelease, TrimsWhenASurgeHasPassed) {
  SurgeMemoryRelease release(1000);
  for (size_t n = 1; n <= 4000; ++n) release.note(n);
  for (size_t n = 4000; n > 1000; --n) release.note(n);
  EXPECT_EQ(release.releases(), 0u) << "still above a quarter of the peak";
  release.note(1000);
  EXPECT_EQ(release.releases(), 1u);
  // The peak restarts from 1,000: falling to a quarter of that is a surge passing too,
  // but below it the peak (250) is under the minimum and nothing more happens.
  for (size_t n = 1000; n > 0; --n) release.note(n);
  EXPECT_EQ(release.releases(), 2u);
}

TEST(SurgeMemoryRelease, SmallSwingsNeverTrim) {
  SurgeMemoryRelease release(1024);
  for (int round = 0; round < 1000; ++round) {
    release.note(500);
    release.note(0);
  }
  EXPECT_EQ(release.releases(), 0u);
}

}  // namespace
}  // namespace ragscale::net
