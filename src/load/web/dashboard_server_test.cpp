#include "load/web/dashboard_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

namespace ragscale::load {
namespace {

// One request on its own connection; the whole answer, read until the server closes.
std::string exchange(uint16_t port, const std::string& method, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                              (method == "POST" ? "Content-Length: 0\r\n" : "") + "\r\n";
  EXPECT_EQ(::send(fd, request.data(), request.size(), 0), ssize_t(request.size()));
  std::string answer;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, size_t(n));
  ::close(fd);
  return answer;
}

int status_of(const std::string& answer) { return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0; }

class DashboardServerTest : public ::testing::Test {
 protected:
  LiveSnapshot snapshot_{"http://target", "2 users", std::nullopt};
  std::atomic<int> stops_{0};
  DashboardServer server_{"127.0.0.1", 0, snapshot_, [this] { ++stops_; }};
};

TEST_F(DashboardServerTest, ServesThePageTheStatsAndTheStopButton) {
  server_.start();
  const std::string page = exchange(server_.port(), "GET", "/");
  EXPECT_EQ(status_of(page), 200);
  EXPECT_NE(page.find("Content-Type: text/html"), std::string::npos);
  EXPECT_NE(page.find("Cache-Control: no-store"), std::string::npos);
  EXPECT_NE(page.find("uPlot"), std::string::npos);
  EXPECT_NE(page.find("RagscaleCharts"), std::string::npos);  // the chart code shared with the report
  EXPECT_NE(page.find("stats.json?since="), std::string::npos);
  EXPECT_NE(page.find("id=\"stop\""), std::string::npos);
  EXPECT_EQ(page.find("<script src="), std::string::npos);  // nothing fetched from elsewhere

  const std::string stats = exchange(server_.port(), "GET", "/stats.json?since=0");
  EXPECT_EQ(status_of(stats), 200);
  EXPECT_NE(stats.find("application/json"), std::string::npos);
  EXPECT_NE(stats.find("\"host\":\"http://target\""), std::string::npos);

  EXPECT_EQ(status_of(exchange(server_.port(), "GET", "/stop")), 405);
  EXPECT_EQ(stops_.load(), 0);
  const std::string stopped = exchange(server_.port(), "POST", "/stop");
  EXPECT_EQ(status_of(stopped), 202);
  EXPECT_EQ(stops_.load(), 1);
  const std::string wrong_method = exchange(server_.port(), "POST", "/stats.json");
  EXPECT_EQ(status_of(wrong_method), 405);
  EXPECT_NE(wrong_method.find("Allow: GET, HEAD"), std::string::npos);
  EXPECT_EQ(status_of(exchange(server_.port(), "GET", "/favicon.ico")), 404);
}

TEST_F(DashboardServerTest, APortInUseIsAClearError) {
  server_.start();
  DashboardServer second("127.0.0.1", server_.port(), snapshot_, [] {});
  try {
    second.start();
    FAIL() << "expected the second server to fail";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("cannot serve the dashboard"), std::string::npos) << message;
    EXPECT_NE(message.find("in use"), std::string::npos) << message;
    EXPECT_NE(message.find("--web HOST:PORT"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace ragscale::load
