#include "serve/backend/cancel_signal.h"

namespace ragscale::serve {

void CancelSignal::cancel() {
  std::function<void()> action;
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) return;
    cancelled_ = true;
    action = std::move(action_);
    action_ = nullptr;
  }
  if (action) action();
}

bool CancelSignal::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

void CancelSignal::on_cancel(std::function<void()> action) {
  {
    std::lock_guard lock(mutex_);
    if (!cancelled_) {
      action_ = std::move(action);
      return;
    }
  }
  action();
}

void CancelSignal::clear() {
  std::lock_guard lock(mutex_);
  action_ = nullptr;
}

}  // namespace ragscale::serve
