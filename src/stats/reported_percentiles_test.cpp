#include "stats/reported_percentiles.h"

#include <gtest/gtest.h>

namespace ragscale {
namespace {

TEST(ReportedPercentilesTest, LabelsMatchLocustSpelling) {
  std::string labels;
  for (double p : kReportedPercentiles) labels += percentile_label(p) + ",";
  EXPECT_EQ(labels, "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,");
}

}  // namespace
}  // namespace ragscale
