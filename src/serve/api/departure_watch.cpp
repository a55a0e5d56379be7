#include "serve/api/departure_watch.h"

#include <algorithm>

namespace ragscale::serve {

DepartureWatch::DepartureWatch(net::EventLoop& loop, std::chrono::milliseconds period)
    : loop_(loop), period_(period), timer_([this] { check(); }) {}

void DepartureWatch::watch(http::Responder responder, const std::shared_ptr<CancelSignal>& signal) {
  watched_.emplace_back(std::move(responder), signal);
  if (!timer_.armed()) loop_.arm_after(timer_, period_);
}

void DepartureWatch::check() {
  std::vector<std::shared_ptr<CancelSignal>> to_fire;
  std::erase_if(watched_, [&](const auto& entry) {
    auto signal = entry.second.lock();
    if (!signal || signal->cancelled()) return true;
    if (entry.first.alive()) return false;
    to_fire.push_back(std::move(signal));
    return true;
  });
  if (!watched_.empty()) loop_.arm_after(timer_, period_);
  for (auto& signal : to_fire) signal->cancel();
}

}  // namespace ragscale::serve
