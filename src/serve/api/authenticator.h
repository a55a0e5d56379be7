// Authenticator: decides whether a request carries a valid credential — a configured
// API key or a token issued by login() — in X-API-Key or Authorization: Bearer.
// Thread-safe. With no keys and no users configured, everything is allowed.
//
// Contract:
// - Keys, passwords and tokens are compared as SHA-256 digests with CRYPTO_memcmp, so
//   the time taken says nothing about where, or whether in length, a guess differs.
// - Tokens are random (256 bits), expire after the configured lifetime and live in
//   memory (a restart logs everyone out). At most max_tokens are kept: expired ones are
//   purged and, past the cap, the oldest is revoked.
// - Failed logins are throttled per user name and per client address (when known):
//   after 5 failures within a minute, login() refuses without checking the password
//   and says how long to wait (LoginThrottle).
#pragma once

#include <array>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"
#include "serve/api/login_throttle.h"

namespace ragscale::serve {

using CredentialDigest = std::array<unsigned char, 32>;
CredentialDigest credential_digest(std::string_view secret);

struct LoginAttempt {
  std::optional<std::string> token;     // set when the credentials were valid
  std::chrono::seconds retry_after{0};  // > 0: refused unchecked after too many failures
};

class Authenticator {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kDefaultMaxTokens = 10000;

  Authenticator(std::vector<std::string> api_keys, std::map<std::string, std::string> users,
                std::chrono::milliseconds token_ttl, size_t max_tokens = kDefaultMaxTokens,
                LoginThrottle::Limits throttle = {});

  bool enabled() const { return enabled_; }
  bool allows(const http::Headers& headers, Clock::time_point now = Clock::now());
  // `client_address` may be empty (unknown); it is then not throttled on its own.
  LoginAttempt login(const std::string& username, const std::string& password, std::string_view client_address = {},
                     Clock::time_point now = Clock::now());
  std::chrono::milliseconds token_ttl() const { return token_ttl_; }
  size_t live_tokens();

 private:
  using DigestKey = std::string;  // the 32 digest bytes, as a hashable key
  bool known_key(std::string_view credential) const;
  void purge_tokens(Clock::time_point now);

  bool enabled_;
  std::vector<CredentialDigest> api_keys_;
  std::map<std::string, CredentialDigest> users_;
  std::chrono::milliseconds token_ttl_;
  size_t max_tokens_;
  std::mutex mutex_;
  std::unordered_map<DigestKey, Clock::time_point> tokens_;  // token digest -> expiry
  std::deque<std::pair<DigestKey, Clock::time_point>> issued_;  // oldest first; may name revoked tokens
  LoginThrottle throttle_;
};

// The credential a request presents: X-API-Key, else the token of Authorization: Bearer,
// trailing spaces dropped; empty when there is none. What allows() checks, and what
// identifies a client to the rate limits.
std::string presented_credential(const http::Headers& headers);

// Equality of two secrets that takes the same time whatever they are: their SHA-256
// digests are compared with CRYPTO_memcmp.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace ragscale::serve
