// DepartureWatch: notices that the client of a request still being worked on went away
// (its Responder is no longer alive: the connection was reset, dropped or closed) and
// cancels the work done for it — a model call — through the request's CancelSignal, so
// that work stops holding a backend connection or a place in its queue.
//
// Contract: one watch per server event loop; watch() and the checks run on that loop's
// thread, every `period` while anything is watched (no timer runs otherwise). A request
// stops being watched once its signal is gone (the work finished and released it) or
// fired. Destroy the watch on its loop's thread or after the loop has stopped.
#pragma once

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "http/server.h"
#include "net/event_loop.h"
#include "serve/backend/cancel_signal.h"

namespace ragscale::serve {

class DepartureWatch {
 public:
  DepartureWatch(net::EventLoop& loop, std::chrono::milliseconds period);
  DepartureWatch(const DepartureWatch&) = delete;
  DepartureWatch& operator=(const DepartureWatch&) = delete;

  void watch(http::Responder responder, const std::shared_ptr<CancelSignal>& signal);
  size_t watched() const { return watched_.size(); }

 private:
  void check();

  net::EventLoop& loop_;
  std::chrono::milliseconds period_;
  std::vector<std::pair<http::Responder, std::weak_ptr<CancelSignal>>> watched_;
  net::Timer timer_;
};

}  // namespace ragscale::serve
