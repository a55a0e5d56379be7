#include "stats/reported_percentiles.h"

#include <cmath>
#include <cstdio>

namespace ragscale {

std::string percentile_label(double percent) {
  char text[32];
  if (percent == std::floor(percent)) {
    std::snprintf(text, sizeof text, "%d%%", int(percent));
  } else {
    std::snprintf(text, sizeof text, "%.6g%%", percent);  // at most 6 decimals, like round(x, 6)
  }
  return text;
}

}  // namespace ragscale
