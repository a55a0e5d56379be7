#include "net/tls_context.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace ragscale::net {
namespace {

TEST(TlsContext, UnusableCaFileIsBadInputNamingTheFile) {
  TlsOptions missing;
  missing.ca_file = "/nonexistent/ca.pem";
  try {
    TlsContext context(missing);
    FAIL() << "no error for a missing CA file";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("--ca-file /nonexistent/ca.pem: No such file"), std::string::npos)
        << error.what();
  }
  char path[] = "/tmp/ragscale-not-pem-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_EQ(::write(fd, "not a certificate\n", 18), 18);
  ::close(fd);
  TlsOptions not_pem;
  not_pem.ca_file = path;
  EXPECT_THROW(TlsContext context(not_pem), std::invalid_argument);
  ::unlink(path);
}

TEST(TlsContext, CountsHandshakesAndResumptions) {
  TlsOptions insecure;
  insecure.verify = false;
  TlsContext context(insecure);
  EXPECT_FALSE(context.verifies());
  context.count_handshake(false);
  context.count_handshake(true);
  EXPECT_EQ(context.handshakes(), 2u);
  EXPECT_EQ(context.resumed(), 1u);
}

}  // namespace
}  // namespace ragscale::net
