// DashboardServer: the HTTP side of the live dashboard (ragscale load --web ADDR), an
// http::HttpServer with one loop thread of its own, so a browser never touches the load's
// workers or the controller.
//
// Routes:
//   GET  /            the page (report/dashboard_page.h): charts, table, Stop button
//   GET  /stats.json  LiveSnapshot::json_since(?since=N, default 0)
//   POST /stop        calls on_stop (the run then ends as on SIGINT) and answers 202
//   anything else     404; a known path with another method 405 with Allow
// Every answer has Cache-Control: no-store.
//
// start() binds only the given host and port (port 0 picks a free one: port() tells) and
// throws std::runtime_error saying why when it cannot (in use, not local, bad name).
// The destructor shuts the server down.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/server.h"
#include "load/web/live_snapshot.h"

namespace ragscale::load {

class DashboardServer {
 public:
  DashboardServer(std::string host, uint16_t port, const LiveSnapshot& snapshot, std::function<void()> on_stop);
  ~DashboardServer();
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  void start();
  uint16_t port() const { return server_->port(); }
  void shutdown();

 private:
  void handle(http::Request& request, http::Responder responder);

  const std::string host_;
  const uint16_t requested_port_;
  const LiveSnapshot& snapshot_;
  std::function<void()> on_stop_;
  const std::string page_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace ragscale::load
