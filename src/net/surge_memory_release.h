// SurgeMemoryRelease: hands memory back to the operating system once a surge of
// connections (or of any per-item allocation) has passed.
//
// Why: glibc's malloc keeps freed heap memory for reuse. After 20,000 idle connections
// come and go, their buffers and bookkeeping are free inside the process but still
// resident, so the process would stay that much larger for good and a soak or a
// hostile-client test could not tell that from a leak.
//
// Contract: call note(count) whenever the number of live items changes (on one thread).
// When the count falls to a quarter of its peak, and that peak was at least
// `min_peak`, malloc_trim(0) runs once and the peak restarts from the current count.
// Cheap when nothing happens: a comparison per call; the trim itself costs about a
// millisecond per 100 MB of heap and runs only after a surge.
#pragma once

#include <cstddef>

namespace ragscale::net {

class SurgeMemoryRelease {
 public:
  explicit SurgeMemoryRelease(size_t min_peak = 1024) : min_peak_(min_peak) {}

  void note(size_t count);
  // Trims now, whatever the count (for callers that know of other large frees).
  void trim();
  size_t releases() const { return releases_; }

 private:
  size_t min_peak_;
  size_t peak_ = 0;
  size_t releases_ = 0;
};

}  // namespace ragscale::net
