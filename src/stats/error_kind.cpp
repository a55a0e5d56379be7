#include "stats/error_kind.h"

#include <array>
#include <utility>

namespace ragscale {
namespace {

constexpr std::array<std::pair<ErrorKind, std::string_view>, 10> kNames = {{
    {ErrorKind::kHttpStatus, "http_status"},
    {ErrorKind::kConnectionRefused, "connection_refused"},
    {ErrorKind::kConnectionReset, "connection_reset"},
    {ErrorKind::kTimeout, "timeout"},
    {ErrorKind::kCheckFailed, "check_failed"},
    {ErrorKind::kOther, "other"},
    {ErrorKind::kRateLimited, "rate_limited"},
    {ErrorKind::kStreamCut, "stream_cut"},
    {ErrorKind::kTlsCertificate, "tls_certificate"},
    {ErrorKind::kTlsHandshake, "tls_handshake"},
}};

}  // namespace

std::string_view to_string(ErrorKind kind) {
  for (const auto& [candidate, name] : kNames) {
    if (candidate == kind) return name;
  }
  return "other";
}

std::optional<ErrorKind> error_kind_from_string(std::string_view name) {
  for (const auto& [kind, candidate] : kNames) {
    if (candidate == name) return kind;
  }
  return std::nullopt;
}

}  // namespace ragscale
