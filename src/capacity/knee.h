// The knee of achieved against offered load: where more offered load stops buying more
// throughput. Kneedle (Satopaa et al., 2011) for a concave, increasing curve: scale both
// axes to [0, 1] and take the point farthest above the diagonal between the ends.
//
// Contract: points are (offered, achieved) in any order (they are sorted by offered, equal
// offered loads averaged). nullopt with fewer than 3 distinct offered loads, or when no point
// lies at least `min_bend` (in the scaled units) above the diagonal: the curve is straight,
// throughput still follows the offered load (or never did).
#pragma once

#include <optional>
#include <utility>
#include <vector>

namespace ragscale::capacity {

struct KneePoint {
  double offered = 0;
  double achieved = 0;
};

std::optional<KneePoint> find_knee(std::vector<KneePoint> points, double min_bend = 0.1);

}  // namespace ragscale::capacity
