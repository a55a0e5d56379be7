#include "net/source_addresses.h"

#include <gtest/gtest.h>

namespace ragscale::net {
namespace {

TEST(SourceAddressPool, LoopbackDestinationMovesToFurtherSourcesInBlocks) {
  SourceAddressPool pool(resolve("127.0.0.1", 80), {});
  for (uint64_t i = 0; i < SourceAddressPool::kConnectionsPerLoopbackSource; ++i) {
    ASSERT_FALSE(pool.next().has_value()) << i;
  }
  auto second_block = pool.next();
  ASSERT_TRUE(second_block.has_value());
  EXPECT_EQ(second_block->host, "127.0.0.2");
}

TEST(SourceAddressPool, OtherDestinationsKeepTheDefaultSource) {
  SourceAddressPool pool(resolve("::1", 80), {});
  for (int i = 0; i < 20000; ++i) ASSERT_FALSE(pool.next().has_value());
}

TEST(SourceAddressPool, ExplicitSourcesAreUsedRoundRobin) {
  SourceAddressPool pool(resolve("127.0.0.1", 80), parse_local_addresses("127.0.0.5-127.0.0.6,127.0.0.9"));
  EXPECT_EQ(pool.next()->host, "127.0.0.5");
  EXPECT_EQ(pool.next()->host, "127.0.0.6");
  EXPECT_EQ(pool.next()->host, "127.0.0.9");
  EXPECT_EQ(pool.next()->host, "127.0.0.5");
}

TEST(ParseLocalAddresses, RejectsBadEntriesByName) {
  EXPECT_THROW(parse_local_addresses("10.0.0.1,,10.0.0.2"), std::invalid_argument);
  EXPECT_THROW(parse_local_addresses("10.0.0.300"), std::invalid_argument);
  EXPECT_THROW(parse_local_addresses("10.0.0.9-10.0.0.1"), std::invalid_argument);
  try {
    parse_local_addresses("10.0.0.1,bogus");
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'bogus'"), std::string::npos);
  }
  EXPECT_EQ(parse_local_addresses("::1").size(), 1u);
}

}  // namespace
}  // namespace ragscale::net
