// LoginThrottle: bounds password guessing. Failed logins are counted per key (a user
// name, a client address) over a sliding window; a key with max_failures failures in
// the window must wait until the oldest of them leaves it, whatever it sends meanwhile.
//
// Contract: memory is bounded — at most max_keys keys are remembered, the one that
// failed least recently is forgotten first — so guesses at endless made-up user names
// cannot grow it. Not thread-safe (Authenticator locks around it).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <string>
#include <unordered_map>

namespace ragscale::serve {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    size_t max_failures = 5;
    std::chrono::milliseconds window{60000};
    size_t max_keys = 10000;
  };

  explicit LoginThrottle(Limits limits) : limits_(limits) {}

  // How long `key` must wait before it may try again; zero when it may try now.
  std::chrono::milliseconds wait(const std::string& key, Clock::time_point now);
  void record_failure(const std::string& key, Clock::time_point now);
  void forget(const std::string& key);
  size_t keys() const { return entries_.size(); }

 private:
  struct Entry {
    std::deque<Clock::time_point> failures;  // oldest first, at most max_failures
    std::list<std::string>::iterator recency;
  };
  void drop_expired(Entry& entry, Clock::time_point now) const;

  Limits limits_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> recency_;  // least recently failed first
};

}  // namespace ragscale::serve
