// Heap policies. For the long-running servers (serve, sim): memory taken for one large
// request goes back to the system when the request is done. For the load generator: freed
// memory stays for the next request.
//
// Why: glibc serves allocations above a threshold (128 KB) with mmap and unmaps them on
// free, but raises that threshold to the size of every such block freed, so after one
// 300 KB body all later ones come from the heap and stay resident once freed. A server
// that answered one huge request would keep that memory for good, which a soak test
// cannot tell from a leak.
//
// The heap top is trimmed past 128 KB (glibc's default trim threshold) rather than 1 MB:
// a body that grows its buffer by doubling
// leaves its smaller steps (under 256 KB each) in the worker thread's arena, and
// malloc_trim does not shrink the top of a thread arena, only free() does.
//
// Contract: fix_large_allocation_threshold() pins the mmap threshold at 256 KB (which
// turns the dynamic raise off) and the trim threshold at 128 KB. Call it once, early in
// main, before threads start.
#pragma once

namespace ragscale {

void fix_large_allocation_threshold();

// The load generator parses response bodies for checks and extraction: a 200 KB JSON body's
// document is a few hundred KB allocated and freed per request. With glibc's defaults the
// heap top is trimmed after each and the next request faults those pages back in, which on a
// virtual machine costs more than the parse itself (measured: 2.3 ms of system time per
// request for a 240 KB body). Freed memory is kept for reuse instead (trim and mmap
// thresholds at 64 MB); the peak a run needs is resident anyway. Call once, early, before
// threads start.
void keep_freed_memory_for_reuse();

}  // namespace ragscale
