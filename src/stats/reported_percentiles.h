// The percentiles every report prints, in ascending order: Locust 2.12's PERCENTILES_TO_REPORT
// (0.50 ... 1.0) expressed in percent, so CSV columns line up with Locust's.
#pragma once

#include <array>
#include <string>

namespace ragscale {

inline constexpr std::array<double, 11> kReportedPercentiles = {50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100};

// "50%", "99.9%", "100%": Locust's get_readable_percentiles() spelling.
std::string percentile_label(double percent);

}  // namespace ragscale
