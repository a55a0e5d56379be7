// Heap policy for the long-running servers (serve, sim): memory taken for one large
// request goes back to the system when the request is done.
//
// Why: glibc serves allocations above a threshold (128 KB) with mmap and unmaps them on
// free, but raises that threshold to the size of every such block freed, so after one
// 300 KB body all later ones come from the heap and stay resident once freed. A server
// that answered one huge request would keep that memory for good, which a soak test
// cannot tell from a leak.
//
// Contract: fix_large_allocation_threshold() pins the mmap threshold at 256 KB (which
// turns the dynamic raise off) and trims the heap top past 1 MB. Call it once, early in
// main, before threads start. Allocations under 256 KB are unaffected.
#pragma once

namespace ragscale {

void fix_large_allocation_threshold();

}  // namespace ragscale
