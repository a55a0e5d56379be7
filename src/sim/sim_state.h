// The simulator's live state, owned by its one event-loop thread: configuration, the
// seeded random source, generation slots, rate limits, faults, metrics, and the answers
// in progress. Everything here is touched only from that thread, so nothing is locked.
//
// Contract: work objects (generations, delayed replies) register with adopt() and call
// retire() exactly once when done; retire() destroys them after the current batch of
// events (they may be inside their own timer callback when they retire).
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "http/server.h"
#include "net/event_loop.h"
#include "sim/distribution.h"
#include "sim/fault_injector.h"
#include "sim/generation_slots.h"
#include "sim/rate_limiter.h"
#include "sim/sim_config.h"
#include "sim/sim_metrics.h"

namespace ragscale::sim {

// Anything the state keeps alive until it retires.
class PendingWork {
 public:
  virtual ~PendingWork() = default;
  // Shutdown: end now (abort the connection or answer 503), then retire.
  virtual void cancel() = 0;
};

struct SimState {
  explicit SimState(SimConfig c)
      : config(std::move(c)),
        random(config.seed),
        slots(config.max_concurrency, config.max_queue),
        limiter(RateLimits{config.requests_per_minute, config.tokens_per_minute}) {}

  template <typename Work>
  Work* adopt(std::unique_ptr<Work> work) {
    Work* raw = work.get();
    pending.emplace(raw, std::move(work));
    return raw;
  }
  void retire(PendingWork* work) {
    if (loop == nullptr) {
      pending.erase(work);
      return;
    }
    loop->defer([this, work] { pending.erase(work); });
  }

  net::EventLoop* loop = nullptr;  // the one loop thread; set when the server starts
  SimConfig config;
  Random random;
  GenerationSlots slots;
  RateLimiter limiter;
  FaultInjector faults;
  SimMetrics metrics;
  size_t active_streams = 0;
  std::vector<http::Responder> hung;  // requests the timeout fault never answers
  bool draining = false;
  std::unordered_map<PendingWork*, std::unique_ptr<PendingWork>> pending;
};

}  // namespace ragscale::sim
