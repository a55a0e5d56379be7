#include "stats/error_kind.h"

#include <gtest/gtest.h>

namespace ragscale {
namespace {

TEST(ErrorKindTest, NamesRoundTrip) {
  for (ErrorKind kind : {ErrorKind::kHttpStatus, ErrorKind::kConnectionRefused, ErrorKind::kConnectionReset,
                         ErrorKind::kTimeout, ErrorKind::kCheckFailed, ErrorKind::kOther, ErrorKind::kRateLimited,
                         ErrorKind::kTlsCertificate, ErrorKind::kTlsHandshake}) {
    EXPECT_EQ(error_kind_from_string(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(ErrorKind::kConnectionRefused), "connection_refused");
  EXPECT_EQ(to_string(ErrorKind::kTlsCertificate), "tls_certificate");
  EXPECT_EQ(to_string(ErrorKind::kTlsHandshake), "tls_handshake");
  EXPECT_EQ(error_kind_from_string("no_such_kind"), std::nullopt);
}

}  // namespace
}  // namespace ragscale
