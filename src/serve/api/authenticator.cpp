#include "serve/api/authenticator.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace ragscale::serve {

bool constant_time_equals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Authenticator::Authenticator(std::vector<std::string> api_keys, std::map<std::string, std::string> users,
                             std::chrono::milliseconds token_ttl)
    : api_keys_(std::move(api_keys)), users_(std::move(users)), token_ttl_(token_ttl) {}

bool Authenticator::allows(const http::Headers& headers, Clock::time_point now) {
  if (!enabled()) return true;
  std::string credential;
  if (auto key = headers.get("X-API-Key")) {
    credential = std::string(*key);
  } else if (auto authorization = headers.get("Authorization")) {
    auto value = *authorization;
    if (value.size() > 7 && http::iequals(value.substr(0, 7), "Bearer ")) credential = std::string(value.substr(7));
  }
  while (!credential.empty() && credential.back() == ' ') credential.pop_back();
  if (credential.empty()) return false;
  bool valid = false;
  for (const auto& key : api_keys_) valid |= constant_time_equals(credential, key);
  if (valid) return true;
  std::lock_guard lock(mutex_);
  auto found = tokens_.find(credential);
  if (found == tokens_.end()) return false;
  if (found->second <= now) {
    tokens_.erase(found);
    return false;
  }
  return true;
}

std::optional<std::string> Authenticator::login(const std::string& username, const std::string& password,
                                                Clock::time_point now) {
  auto user = users_.find(username);
  // Compare against something even for unknown users so timing does not reveal names.
  static const std::string kNoPassword(32, '\0');
  bool valid = constant_time_equals(password, user == users_.end() ? kNoPassword : user->second);
  if (user == users_.end() || !valid) return std::nullopt;
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("cannot draw random bytes for a token");
  static const char* kHex = "0123456789abcdef";
  std::string token = "rst_";
  for (unsigned char byte : random) {
    token.push_back(kHex[byte >> 4]);
    token.push_back(kHex[byte & 15]);
  }
  std::lock_guard lock(mutex_);
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    it = it->second <= now ? tokens_.erase(it) : std::next(it);
  }
  tokens_[token] = now + token_ttl_;
  return token;
}

}  // namespace ragscale::serve
