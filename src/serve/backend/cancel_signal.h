// CancelSignal: lets the side that learns a result is no longer wanted (the client of a
// query went away) stop the work producing it (a model call), whichever thread each runs
// on and whichever comes first.
//
// Contract: thread-safe. cancel() runs the registered action once; an action registered
// after cancel() runs at once, on the registering thread. clear() drops the action (the
// work finished), after which cancel() only records the wish.
#pragma once

#include <functional>
#include <mutex>

namespace ragscale::serve {

class CancelSignal {
 public:
  void cancel();
  bool cancelled() const;
  void on_cancel(std::function<void()> action);
  void clear();

 private:
  mutable std::mutex mutex_;
  bool cancelled_ = false;
  std::function<void()> action_;
};

}  // namespace ragscale::serve
