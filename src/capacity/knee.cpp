#include "capacity/knee.h"

#include <algorithm>

namespace ragscale::capacity {

std::optional<KneePoint> find_knee(std::vector<KneePoint> points, double min_bend) {
  std::sort(points.begin(), points.end(), [](const KneePoint& a, const KneePoint& b) { return a.offered < b.offered; });
  std::vector<KneePoint> curve;
  std::vector<int> counts;
  for (const KneePoint& point : points) {
    if (!curve.empty() && curve.back().offered == point.offered) {
      curve.back().achieved += point.achieved;
      ++counts.back();
    } else {
      curve.push_back(point);
      counts.push_back(1);
    }
  }
  for (size_t i = 0; i < curve.size(); ++i) curve[i].achieved /= counts[i];
  if (curve.size() < 3) return std::nullopt;
  const double x0 = curve.front().offered, x1 = curve.back().offered;
  double y0 = curve.front().achieved, y1 = curve.front().achieved;
  for (const KneePoint& point : curve) {
    y0 = std::min(y0, point.achieved);
    y1 = std::max(y1, point.achieved);
  }
  if (x1 <= x0 || y1 <= y0) return std::nullopt;
  std::optional<KneePoint> knee;
  double best = min_bend;
  for (const KneePoint& point : curve) {
    const double bend = (point.achieved - y0) / (y1 - y0) - (point.offered - x0) / (x1 - x0);
    if (bend >= best) {
      best = bend;
      knee = point;
    }
  }
  return knee;
}

}  // namespace ragscale::capacity
