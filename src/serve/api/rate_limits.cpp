#include "serve/api/rate_limits.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "serve/api/authenticator.h"

namespace ragscale::serve {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// The routes a limit may name, for error messages.
std::string limitable_routes() {
  std::string out;
  for (size_t i = 0; i < static_cast<size_t>(Route::kUnknown); ++i) {
    const auto route = static_cast<Route>(i);
    if (rate_limit_exempt(route)) continue;
    out += (out.empty() ? "" : ", ") + std::string(route_label(route));
  }
  return out;
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// Whole seconds, rounded up: a client that waits this long has waited long enough.
long long seconds_up(resilience::Clock::duration wait) {
  return std::chrono::ceil<std::chrono::seconds>(wait).count();
}

}  // namespace

bool rate_limit_exempt(Route route) {
  switch (route) {
    case Route::kHealth:
    case Route::kReady:
    case Route::kStartup:
    case Route::kMetrics:
    case Route::kLogin:
    case Route::kUnknown:
      return true;
    default:
      return false;
  }
}

void check_rate_setting(std::string_view text) {
  if (!trim(text).empty()) resilience::parse_rate(text);
}

std::vector<RouteRate> parse_route_rates(std::string_view text) {
  static constexpr const char* kExpected =
      "expected ROUTE=RATE pairs separated by commas, e.g. \"/query=60/min,/api/v1/search=600/min\"";
  std::vector<RouteRate> rates;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view item = trim(text.substr(at, comma - at));
    at = comma + 1;
    if (item.empty()) continue;
    // Route patterns hold neither '=' nor ':', so the first of them ends the route.
    const size_t split = item.find_first_of("=:");
    if (split == std::string_view::npos || split == 0) {
      throw std::invalid_argument(std::string(kExpected) + ", got \"" + std::string(item) + "\"");
    }
    const std::string route_text(trim(item.substr(0, split)));
    const Route route = match_route(route_text).route;
    if (route == Route::kUnknown) {
      throw std::invalid_argument("unknown route \"" + route_text + "\"; " + kExpected +
                                  ", ROUTE one of " + limitable_routes());
    }
    if (rate_limit_exempt(route)) {
      throw std::invalid_argument("\"" + route_text + "\" is never rate limited (the probes and /auth/login are "
                                  "exempt); ROUTE must be one of " + limitable_routes());
    }
    for (const auto& earlier : rates) {
      if (earlier.route == route) {
        throw std::invalid_argument(std::string("route ") + route_label(route) + " is named twice");
      }
    }
    std::string rate(trim(item.substr(split + 1)));
    try {
      resilience::parse_rate(rate);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("route ") + route_label(route) + ": " + e.what());
    }
    rates.push_back({route, std::move(rate)});
  }
  return rates;
}

std::string client_identity(const http::Headers& headers, std::string_view peer_address, bool auth_enabled) {
  if (!auth_enabled) return "addr:" + std::string(peer_address);
  const auto digest = credential_digest(presented_credential(headers));
  return "key:" + std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

RateLimits::Limit::Limit(std::string setting_name, std::string_view rate, size_t max_keys)
    : setting(std::move(setting_name)),
      text(trim(rate)),
      spec(resilience::parse_rate(rate)),
      buckets(spec, max_keys) {}

RateLimits::RateLimits(std::string_view general, std::string_view uploads, std::string_view per_route,
                       size_t max_keys) {
  if (!trim(general).empty()) general_ = std::make_unique<Limit>("rate_limit", general, max_keys);
  if (!trim(uploads).empty()) uploads_ = std::make_unique<Limit>("upload_rate_limit", uploads, max_keys);
  for (auto& [route, rate] : parse_route_rates(per_route)) {
    routes_[static_cast<size_t>(route)] = std::make_unique<Limit>(
        std::string("route_rate_limits for ") + route_label(route), rate, max_keys);
  }
}

RateLimits::Limit* RateLimits::limit_for(Route route, bool upload) const {
  if (rate_limit_exempt(route)) return nullptr;
  if (auto* own = routes_[static_cast<size_t>(route)].get()) return own;
  if (upload && uploads_) return uploads_.get();
  return general_.get();
}

RateLimits::Decision RateLimits::decide(std::string_view identity, Route route, bool upload,
                                        resilience::TimePoint now) {
  Decision decision;
  Limit* limit = limit_for(route, upload);
  if (!limit) return decision;
  const auto taken = limit->shared ? limit->shared->try_take(identity, now) : limit->buckets.try_take(identity, now);
  decision.allowed = taken.allowed;
  // Floored, with a hair of slack: refill arithmetic can leave 2.9999999 for 3.
  const double remaining = std::max(0.0, std::floor(taken.remaining + 1e-9));
  decision.headers.add("X-RateLimit-Limit", number_text(limit->spec.per_window));
  decision.headers.add("X-RateLimit-Remaining", number_text(remaining));
  decision.headers.add("X-RateLimit-Reset", std::to_string(seconds_up(taken.reset)));
  if (!taken.allowed) {
    const long long retry_after = std::max(1LL, seconds_up(taken.retry_after));
    decision.headers.add("Retry-After", std::to_string(retry_after));
    decision.message = "rate limit exceeded: " + limit->text + " per client (" + limit->setting + "); retry in " +
                       std::to_string(retry_after) + " s";
  }
  return decision;
}

void RateLimits::share(redis::RedisClient& redis) {
  auto move = [&redis](Limit* limit, std::string name) {
    if (limit) limit->shared = std::make_unique<resilience::SharedRateLimiter>(redis, name, limit->spec, limit->buckets);
  };
  move(general_.get(), "general");
  move(uploads_.get(), "uploads");
  for (size_t i = 0; i < kRoutes; ++i) move(routes_[i].get(), route_label(static_cast<Route>(i)));
}

uint64_t RateLimits::degraded() const {
  uint64_t total = 0;
  auto add = [&total](const Limit* limit) {
    if (limit && limit->shared) total += limit->shared->degraded();
  };
  add(general_.get());
  add(uploads_.get());
  for (const auto& route : routes_) add(route.get());
  return total;
}

}  // namespace ragscale::serve
