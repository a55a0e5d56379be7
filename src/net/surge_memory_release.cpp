#include "net/surge_memory_release.h"

#include <malloc.h>

namespace ragscale::net {

void SurgeMemoryRelease::note(size_t count) {
  if (count > peak_) {
    peak_ = count;
    return;
  }
  if (peak_ >= min_peak_ && count <= peak_ / 4) {
    trim();
    peak_ = count;
  }
}

void SurgeMemoryRelease::trim() {
  ::malloc_trim(0);
  ++releases_;
}

}  // namespace ragscale::net
