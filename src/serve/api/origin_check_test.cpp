#include "serve/api/origin_check.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

http::Request request(std::string method, std::vector<std::pair<std::string, std::string>> headers) {
  http::Request r;
  r.method = std::move(method);
  r.target = "/api/v1/documents/upload";
  for (auto& [name, value] : headers) r.headers.add(name, value);
  return r;
}

bool refused(const http::Request& r, std::string_view listen_host = "127.0.0.1") {
  return cross_site_refusal(r.method, r.headers, listen_host).has_value();
}

// A page on any site could post a form to the service (a text/plain or multipart
// upload, a delete through fetch with no-cors) and the service used to accept it.
TEST(OriginCheckTest, RefusesStateChangingRequestsFromOtherSites) {
  EXPECT_TRUE(refused(request("POST", {{"Origin", "https://evil.example"}, {"Content-Type", "text/plain"}})));
  EXPECT_TRUE(refused(request("DELETE", {{"Origin", "http://evil.example:8000"}})));
  EXPECT_TRUE(refused(request("POST", {{"Origin", "null"}, {"Content-Type", "multipart/form-data; boundary=x"}})));
  EXPECT_TRUE(refused(request("POST", {{"Referer", "https://evil.example/page.html"}})));
  // A rebinding name that resolves to 127.0.0.1 is still another site.
  EXPECT_TRUE(refused(request("POST", {{"Origin", "http://127.0.0.1.evil.example"}})));
  EXPECT_TRUE(refused(request("POST", {{"Sec-Fetch-Site", "cross-site"},
                                        {"Content-Type", "application/x-www-form-urlencoded"}})));
  auto reason = cross_site_refusal("POST", request("POST", {{"Origin", "https://evil.example"}}).headers, "127.0.0.1");
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("https://evil.example"), std::string::npos);
  EXPECT_NE(reason->find("auth is off"), std::string::npos);
}

TEST(OriginCheckTest, LetsTheServicesOwnClientsThrough) {
  // curl, Python requests, ragscale ingest: no Origin, no Referer.
  EXPECT_FALSE(refused(request("POST", {{"Content-Type", "text/plain; charset=utf-8"}})));
  EXPECT_FALSE(refused(request("POST", {{"Content-Type", "multipart/form-data; boundary=x"}})));
  EXPECT_FALSE(refused(request("POST", {{"Content-Type", "application/json"}})));
  EXPECT_FALSE(refused(request("DELETE", {})));
  // Pages of this machine or of the listen address.
  EXPECT_FALSE(refused(request("POST", {{"Origin", "http://localhost:3000"}})));
  EXPECT_FALSE(refused(request("POST", {{"Origin", "http://127.0.0.1:8000"}})));
  EXPECT_FALSE(refused(request("POST", {{"Origin", "http://[::1]:8000"}})));
  EXPECT_FALSE(refused(request("POST", {{"Referer", "http://LOCALHOST:8000/docs"}})));
  EXPECT_FALSE(refused(request("POST", {{"Origin", "http://10.1.2.3:8000"}}), "10.1.2.3"));
  EXPECT_TRUE(refused(request("POST", {{"Origin", "http://10.1.2.3:8000"}}), "0.0.0.0"));
  // Reading is never refused; a request with a key cannot come from a plain form.
  EXPECT_FALSE(refused(request("GET", {{"Origin", "https://evil.example"}})));
  EXPECT_FALSE(refused(request("POST", {{"Sec-Fetch-Site", "cross-site"}, {"X-API-Key", "k"},
                                         {"Content-Type", "text/plain"}})));
  EXPECT_FALSE(refused(request("POST", {{"Sec-Fetch-Site", "same-origin"}, {"Content-Type", "text/plain"}})));
}

}  // namespace
}  // namespace ragscale::serve
