// AnswerFlight: one answer in the making, shared by every request that asked the same
// question (same cache key) while it was being made — the unit of request coalescing.
// The pipeline produces it (emit() each streamed frame, complete() once); each request
// listens to it, plain or streamed.
//
// Contract:
// - join() adds a listener. A streamed listener first receives every frame emitted so
//   far, then the rest as they come, in order; a flight already complete calls on_done
//   at once. Listener callbacks run under the flight's lock, on the producer's or the
//   joiner's thread: they must be quick (post to the request's loop) and must not call
//   back into the flight.
// - leave() removes a listener whose client went away. When the last listener leaves
//   before the end, the flight is abandoned: its cancel signal fires (the model call made
//   for it stops) and on_abandoned runs once, outside the lock. A flight made with
//   keep_alive (a cache warm-up) has no listener and is never abandoned.
// - complete() delivers the result to every listener and drops them; later emits and
//   completes are ignored. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "serve/backend/cancel_signal.h"

namespace ragscale::serve {

struct FlightResult {
  int status = 200;
  std::string error_body;  // the body when status is not 200
  std::string core;        // answer_core_json(): the answer without "cached" and "timings"
  std::string timings;     // timings_json()
  bool cached = false;
  std::string mode = "full";  // full, reduced, extractive or cached (see finish_answer)
};

class AnswerFlight {
 public:
  struct Listener {
    std::function<void(const std::string& frame)> on_frame;  // streams only; null for a plain answer
    std::function<void(const FlightResult& result)> on_done;
  };

  explicit AnswerFlight(std::function<void(const AnswerFlight*)> on_abandoned = {}, bool keep_alive = false)
      : on_abandoned_(std::move(on_abandoned)), keep_alive_(keep_alive) {}

  uint64_t join(Listener listener);
  void leave(uint64_t id);
  void emit(std::string frame);
  void complete(const FlightResult& result);

  const std::shared_ptr<CancelSignal>& cancel_signal() const { return cancel_; }
  size_t listeners() const;
  bool keep_alive() const { return keep_alive_; }
  // Whether any frame was emitted (a streamed answer has begun).
  bool streaming() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<uint64_t, Listener>> listeners_;
  std::vector<std::string> frames_;
  bool done_ = false;
  FlightResult result_;
  uint64_t next_id_ = 1;
  std::function<void(const AnswerFlight*)> on_abandoned_;
  bool keep_alive_;
  std::shared_ptr<CancelSignal> cancel_ = std::make_shared<CancelSignal>();
};

}  // namespace ragscale::serve
