#include "serve/query/answer_flight.h"

#include <algorithm>

namespace ragscale::serve {

uint64_t AnswerFlight::join(Listener listener) {
  std::lock_guard lock(mutex_);
  if (listener.on_frame) {
    for (const auto& frame : frames_) listener.on_frame(frame);
  }
  if (done_) {
    if (listener.on_done) listener.on_done(result_);
    return 0;
  }
  uint64_t id = next_id_++;
  listeners_.emplace_back(id, std::move(listener));
  return id;
}

void AnswerFlight::leave(uint64_t id) {
  bool abandoned = false;
  {
    std::lock_guard lock(mutex_);
    auto before = listeners_.size();
    std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
    abandoned = !done_ && !keep_alive_ && before > 0 && listeners_.empty();
  }
  if (!abandoned) return;
  cancel_->cancel();
  if (on_abandoned_) on_abandoned_(this);
}

void AnswerFlight::emit(std::string frame) {
  std::lock_guard lock(mutex_);
  if (done_) return;
  for (auto& [id, listener] : listeners_) {
    if (listener.on_frame) listener.on_frame(frame);
  }
  frames_.push_back(std::move(frame));
}

void AnswerFlight::complete(const FlightResult& result) {
  std::vector<std::pair<uint64_t, Listener>> listeners;
  std::lock_guard lock(mutex_);
  if (done_) return;
  done_ = true;
  result_ = result;
  for (auto& [id, listener] : listeners_) {
    if (listener.on_done) listener.on_done(result_);
  }
  listeners = std::move(listeners_);
  listeners_.clear();
  frames_.clear();
  frames_.shrink_to_fit();
  cancel_->clear();
}

size_t AnswerFlight::listeners() const {
  std::lock_guard lock(mutex_);
  return listeners_.size();
}

bool AnswerFlight::streaming() const {
  std::lock_guard lock(mutex_);
  return !frames_.empty();
}

}  // namespace ragscale::serve
