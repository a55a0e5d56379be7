// ErrorKind: why a request counted as failed, the first level of grouping in error reports.
//
// Contract: to_string() gives a stable snake_case name (used in JSON summaries and reports);
// error_kind_from_string() is its exact inverse and returns nullopt for unknown names.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ragscale {

enum class ErrorKind : uint8_t {
  kHttpStatus,
  kConnectionRefused,
  kConnectionReset,
  kTimeout,
  kCheckFailed,
  kOther,
  kRateLimited,  // a rate-limited response (e.g. 429) configured to count as a failure
  kStreamCut,    // a streamed answer that stopped part-way (reset, or closed before its end marker)
  kTlsCertificate,  // the server's TLS certificate failed verification
  kTlsHandshake,    // the TLS handshake failed for another reason (protocol, cipher, not TLS)
};

std::string_view to_string(ErrorKind kind);
std::optional<ErrorKind> error_kind_from_string(std::string_view name);

}  // namespace ragscale
