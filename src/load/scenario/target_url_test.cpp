#include "load/scenario/target_url.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ragscale::scenario {
namespace {

std::string error_of(std::string_view url) {
  try {
    parse_target_url(url);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(TargetUrl, ParsesHostPortAndPath) {
  TargetUrl url = parse_target_url("http://127.0.0.1:8000/api/v1");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8000);
  EXPECT_EQ(url.base_path, "/api/v1");
  EXPECT_EQ(url.host_header(), "127.0.0.1:8000");
  EXPECT_EQ(url.origin(), "http://127.0.0.1:8000");
}

TEST(TargetUrl, DefaultsPortAndPath) {
  TargetUrl url = parse_target_url("http://example.test");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.base_path, "/");
  EXPECT_EQ(url.host_header(), "example.test");
  EXPECT_EQ(parse_target_url("http://h?x=1").base_path, "/?x=1");
}

TEST(TargetUrl, AcceptsHttpsWithItsDefaultPort) {
  TargetUrl url = parse_target_url("https://api.example.test/v1");
  EXPECT_TRUE(url.tls());
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.base_path, "/v1");
  EXPECT_EQ(url.host_header(), "api.example.test");
  EXPECT_EQ(url.origin(), "https://api.example.test:443");
  TargetUrl other_port = parse_target_url("https://127.0.0.1:8443");
  EXPECT_EQ(other_port.port, 8443);
  EXPECT_EQ(other_port.host_header(), "127.0.0.1:8443");
  EXPECT_FALSE(parse_target_url("http://h").tls());
  // The http default port is not https's: it is written out.
  EXPECT_EQ(parse_target_url("https://h:80/").host_header(), "h:80");
}

TEST(TargetUrl, AcceptsIpv6Literals) {
  TargetUrl url = parse_target_url("http://[::1]:9000/");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9000);
  EXPECT_EQ(url.host_header(), "[::1]:9000");
}

TEST(TargetUrl, JoinsBasePathWithRequestPaths) {
  EXPECT_EQ(parse_target_url("http://h/").join_path("/query"), "/query");
  EXPECT_EQ(parse_target_url("http://h/api/").join_path("/query"), "/api/query");
  EXPECT_EQ(parse_target_url("http://h/api").join_path("query"), "/api/query");
}

TEST(TargetUrl, RejectsWhatItCannotServeWithReasons) {
  EXPECT_NE(error_of("127.0.0.1:8000").find("missing scheme"), std::string::npos);
  EXPECT_NE(error_of("ftp://h").find("unsupported scheme 'ftp'"), std::string::npos);
  EXPECT_NE(error_of("http://:80/").find("missing host"), std::string::npos);
  EXPECT_NE(error_of("http://h:0/").find("bad port '0'"), std::string::npos);
  EXPECT_NE(error_of("http://h:70000/").find("bad port '70000'"), std::string::npos);
  EXPECT_NE(error_of("http://h:x/").find("bad port 'x'"), std::string::npos);
  EXPECT_NE(error_of("http://h:/").find("empty port"), std::string::npos);
  EXPECT_NE(error_of("http://u:p@h/").find("user info"), std::string::npos);
  EXPECT_NE(error_of("http://h/#top").find("fragments"), std::string::npos);
  EXPECT_NE(error_of("http://[::1/").find("unterminated IPv6"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::scenario
