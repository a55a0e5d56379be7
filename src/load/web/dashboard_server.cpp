#include "load/web/dashboard_server.h"

#include <charconv>
#include <stdexcept>

#include "report/dashboard_page.h"

namespace ragscale::load {
namespace {

http::Headers no_store() {
  http::Headers headers;
  headers.add("Cache-Control", "no-store");
  return headers;
}

uint64_t since_of(const http::Request& request) {
  const std::optional<std::string> since = request.query_param("since");
  uint64_t value = 0;
  if (since) std::from_chars(since->data(), since->data() + since->size(), value);
  return value;
}

}  // namespace

DashboardServer::DashboardServer(std::string host, uint16_t port, const LiveSnapshot& snapshot,
                                 std::function<void()> on_stop)
    : host_(std::move(host)),
      requested_port_(port),
      snapshot_(snapshot),
      on_stop_(std::move(on_stop)),
      page_(report::render_dashboard_page()) {
  http::HttpServer::Options options;
  options.host = host_;
  options.port = requested_port_;
  options.threads = 1;
  options.limits.max_connections = 64;  // a few browser tabs
  options.server_name = "ragscale-load";
  server_ = std::make_unique<http::HttpServer>(
      options, [this](http::Request& request, http::Responder responder) { handle(request, std::move(responder)); });
}

DashboardServer::~DashboardServer() { shutdown(); }

void DashboardServer::start() {
  try {
    server_->start();
  } catch (const std::exception& error) {
    std::string message = error.what();
    // The socket layer's hint names serve's and sim's flag; here the port comes from --web.
    const std::string_view serve_hint = " with --port";
    if (size_t at = message.find(serve_hint); at != std::string::npos) {
      message.replace(at, serve_hint.size(), " in --web HOST:PORT");
    }
    throw std::runtime_error("cannot serve the dashboard: " + message);
  }
}

void DashboardServer::shutdown() { server_->shutdown(std::chrono::milliseconds(200)); }

void DashboardServer::handle(http::Request& request, http::Responder responder) {
  const std::string_view path = request.path();
  const std::string_view method = request.method;
  auto only = [&](std::string_view allowed) {
    if (method == allowed || (allowed == "GET" && method == "HEAD")) return true;
    http::Headers headers = no_store();
    headers.add("Allow", allowed == "GET" ? "GET, HEAD" : std::string(allowed));
    responder.send(405, "text/plain; charset=utf-8", "use " + std::string(allowed) + "\n", headers);
    return false;
  };
  if (path == "/" || path == "/index.html") {
    if (only("GET")) responder.send(200, "text/html; charset=utf-8", page_, no_store());
  } else if (path == "/stats.json") {
    if (only("GET")) responder.send(200, "application/json", snapshot_.json_since(since_of(request)), no_store());
  } else if (path == "/stop") {
    if (!only("POST")) return;
    on_stop_();
    responder.send(202, "application/json", "{\"stopping\":true}", no_store());
  } else {
    responder.send(404, "text/plain; charset=utf-8", "not found; the dashboard is at /\n", no_store());
  }
}

}  // namespace ragscale::load
