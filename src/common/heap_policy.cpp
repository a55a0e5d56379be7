#include "common/heap_policy.h"

#include <malloc.h>

namespace ragscale {

void fix_large_allocation_threshold() {
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

void keep_freed_memory_for_reuse() {
  ::mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

}  // namespace ragscale
