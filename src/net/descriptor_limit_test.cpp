#include "net/descriptor_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

namespace ragscale::net {
namespace {

TEST(DescriptorLimit, RaisesTheSoftLimitToTheHardLimit) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit lowered = saved;
  lowered.rlim_cur = std::min<rlim_t>(saved.rlim_max, 512);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  size_t in_force = raise_open_file_limit();
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, saved.rlim_max);
  EXPECT_EQ(in_force, saved.rlim_max == RLIM_INFINITY ? static_cast<size_t>(-1) : static_cast<size_t>(saved.rlim_max));
  ::setrlimit(RLIMIT_NOFILE, &saved);
}

TEST(SpareDescriptor, GivesItsSlotToTheNextOpenAndTakesOneBack) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit lowered = saved;
  lowered.rlim_cur = 128;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  {
    SpareDescriptor spare;
    ASSERT_TRUE(spare.held());
    std::vector<int> filler;
    for (int fd; (fd = ::dup(0)) >= 0;) filler.push_back(fd);
    EXPECT_LT(::dup(0), 0);  // out of descriptors
    spare.release();
    int taken = ::dup(0);
    EXPECT_GE(taken, 0);  // the spare's slot
    EXPECT_FALSE(spare.reacquire());  // still out
    ::close(taken);
    EXPECT_TRUE(spare.reacquire());
    for (int fd : filler) ::close(fd);
  }
  ::setrlimit(RLIMIT_NOFILE, &saved);
}

}  // namespace
}  // namespace ragscale::net
