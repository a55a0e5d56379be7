// SingleFlight: at most one piece of work per key in progress. A caller that asks for a
// key already in progress joins that work instead of starting its own, as Go's
// x/sync/singleflight does; the work itself and how its result reaches the callers
// belong to the Flight type (for the service: an AnswerFlight).
//
// Contract:
// - join() returns the flight in progress for `key`, or a new one made by `make()`
//   (then `leader` is true and the caller must start the work). make() runs under the
//   lock: it must be quick and must not call back into this object.
// - land() ends the flight under `key` if it is still `flight`, so the next join starts
//   anew; landing a flight that was already replaced does nothing.
// - Thread-safe. joined_total() counts the joins that found a flight in progress.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ragscale::serve::resilience {

template <class Flight>
class SingleFlight {
 public:
  struct Joined {
    std::shared_ptr<Flight> flight;
    bool leader = false;
  };

  template <class Make>
  Joined join(const std::string& key, Make&& make) {
    std::lock_guard lock(mutex_);
    auto found = flights_.find(key);
    if (found != flights_.end()) {
      ++joined_;
      return {found->second, false};
    }
    std::shared_ptr<Flight> flight = make();
    flights_.emplace(key, flight);
    return {std::move(flight), true};
  }

  void land(const std::string& key, const Flight* flight) {
    std::lock_guard lock(mutex_);
    auto found = flights_.find(key);
    if (found != flights_.end() && found->second.get() == flight) flights_.erase(found);
  }

  size_t in_flight() const {
    std::lock_guard lock(mutex_);
    return flights_.size();
  }

  uint64_t joined_total() const {
    std::lock_guard lock(mutex_);
    return joined_;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
  uint64_t joined_ = 0;
};

}  // namespace ragscale::serve::resilience
