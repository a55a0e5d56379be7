// Authenticator: decides whether a request carries a valid credential — a configured
// API key or a token issued by login() — in X-API-Key or Authorization: Bearer. Keys
// and passwords are compared in constant time. Tokens are random (256 bits), expire
// after the configured lifetime and live in memory (a restart logs everyone out).
// Thread-safe. With no keys and no users configured, everything is allowed.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace ragscale::serve {

class Authenticator {
 public:
  using Clock = std::chrono::steady_clock;

  Authenticator(std::vector<std::string> api_keys, std::map<std::string, std::string> users,
                std::chrono::milliseconds token_ttl);

  bool enabled() const { return !api_keys_.empty() || !users_.empty(); }
  bool allows(const http::Headers& headers, Clock::time_point now = Clock::now());
  // A new token for valid credentials, nullopt otherwise.
  std::optional<std::string> login(const std::string& username, const std::string& password,
                                   Clock::time_point now = Clock::now());
  std::chrono::milliseconds token_ttl() const { return token_ttl_; }

 private:
  std::vector<std::string> api_keys_;
  std::map<std::string, std::string> users_;
  std::chrono::milliseconds token_ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> tokens_;  // token -> expiry
};

// Equality that takes the same time wherever the strings differ.
bool constant_time_equals(const std::string& a, const std::string& b);

}  // namespace ragscale::serve
