#include "serve/api/authenticator.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace ragscale::serve {
namespace {

std::string digest_key(std::string_view secret) {
  auto digest = credential_digest(secret);
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

bool same_digest(const CredentialDigest& a, const CredentialDigest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

CredentialDigest credential_digest(std::string_view secret) {
  CredentialDigest digest{};
  unsigned int size = 0;
  if (EVP_Digest(secret.data(), secret.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 ||
      size != digest.size()) {
    throw std::runtime_error("SHA-256 is not available from OpenSSL");
  }
  return digest;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  return same_digest(credential_digest(a), credential_digest(b));
}

Authenticator::Authenticator(std::vector<std::string> api_keys, std::map<std::string, std::string> users,
                             std::chrono::milliseconds token_ttl, size_t max_tokens, LoginThrottle::Limits throttle)
    : enabled_(!api_keys.empty() || !users.empty()),
      token_ttl_(token_ttl),
      max_tokens_(max_tokens == 0 ? 1 : max_tokens),
      throttle_(throttle) {
  for (const auto& key : api_keys) api_keys_.push_back(credential_digest(key));
  for (const auto& [name, password] : users) users_.emplace(name, credential_digest(password));
}

bool Authenticator::known_key(std::string_view credential) const {
  auto digest = credential_digest(credential);
  bool valid = false;
  for (const auto& key : api_keys_) valid |= same_digest(digest, key);
  return valid;
}

std::string presented_credential(const http::Headers& headers) {
  std::string credential;
  if (auto key = headers.get("X-API-Key")) {
    credential = std::string(*key);
  } else if (auto authorization = headers.get("Authorization")) {
    auto value = *authorization;
    if (value.size() > 7 && http::iequals(value.substr(0, 7), "Bearer ")) credential = std::string(value.substr(7));
  }
  while (!credential.empty() && credential.back() == ' ') credential.pop_back();
  return credential;
}

bool Authenticator::allows(const http::Headers& headers, Clock::time_point now) {
  if (!enabled()) return true;
  const std::string credential = presented_credential(headers);
  if (credential.empty()) return false;
  if (known_key(credential)) return true;
  std::lock_guard lock(mutex_);
  auto found = tokens_.find(digest_key(credential));
  if (found == tokens_.end()) return false;
  if (found->second <= now) {
    tokens_.erase(found);
    return false;
  }
  return true;
}

LoginAttempt Authenticator::login(const std::string& username, const std::string& password,
                                  std::string_view client_address, Clock::time_point now) {
  LoginAttempt attempt;
  // Keyed by digest: a made-up user name of any length costs the throttle 37 bytes.
  const std::string user_key = "user:" + digest_key(username);
  const std::string client_key = client_address.empty() ? std::string() : "addr:" + digest_key(client_address);
  {
    std::lock_guard lock(mutex_);
    auto wait = throttle_.wait(user_key, now);
    if (!client_key.empty()) wait = std::max(wait, throttle_.wait(client_key, now));
    if (wait.count() > 0) {
      attempt.retry_after = std::chrono::ceil<std::chrono::seconds>(wait);
      return attempt;
    }
  }
  auto user = users_.find(username);
  // Compare against something even for unknown users so timing does not reveal names.
  static const CredentialDigest kNoPassword = credential_digest("\x01no such user\x01");
  bool valid = same_digest(credential_digest(password), user == users_.end() ? kNoPassword : user->second);
  if (user == users_.end() || !valid) {
    std::lock_guard lock(mutex_);
    throttle_.record_failure(user_key, now);
    if (!client_key.empty()) throttle_.record_failure(client_key, now);
    return attempt;
  }
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("cannot draw random bytes for a token");
  static const char* kHex = "0123456789abcdef";
  std::string token = "rst_";
  for (unsigned char byte : random) {
    token.push_back(kHex[byte >> 4]);
    token.push_back(kHex[byte & 15]);
  }
  std::lock_guard lock(mutex_);
  throttle_.forget(user_key);
  purge_tokens(now);
  while (issued_.size() >= max_tokens_) {
    // Past the cap the oldest token is revoked (if still held under that expiry).
    auto& [key, expiry] = issued_.front();
    auto found = tokens_.find(key);
    if (found != tokens_.end() && found->second == expiry) tokens_.erase(found);
    issued_.pop_front();
  }
  auto key = digest_key(token);
  tokens_[key] = now + token_ttl_;
  issued_.emplace_back(std::move(key), now + token_ttl_);
  attempt.token = std::move(token);
  return attempt;
}

void Authenticator::purge_tokens(Clock::time_point now) {
  // Tokens are issued with one lifetime, so the oldest expire first.
  while (!issued_.empty() && issued_.front().second <= now) {
    auto found = tokens_.find(issued_.front().first);
    if (found != tokens_.end() && found->second <= now) tokens_.erase(found);
    issued_.pop_front();
  }
}

size_t Authenticator::live_tokens() {
  std::lock_guard lock(mutex_);
  return tokens_.size();
}

}  // namespace ragscale::serve
