#include "serve/api/departure_watch.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "http/client_connection.h"

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;

// Runs `task` on the server's loop and waits for it.
template <typename Task>
void on_loop(net::EventLoop* loop, Task task) {
  std::promise<void> done;
  loop->post([&] {
    task();
    done.set_value();
  });
  done.get_future().wait();
}

TEST(DepartureWatchTest, CancelsTheWorkOfAClientThatLeftAndForgetsFinishedWork) {
  std::promise<http::Responder> delivered;
  http::HttpServer server(http::HttpServer::Options{}, [&](http::Request&, http::Responder responder) {
    delivered.set_value(responder);
  });
  server.start();
  net::EventLoop* loop = server.loops().front();
  auto watch = std::make_unique<DepartureWatch>(*loop, 10ms);

  // A request left unanswered by the handler.
  net::EventLoop client_loop;
  std::thread client_thread([&] { client_loop.run(); });
  struct Ignore : http::ClientConnection::Listener {
    void on_response(http::ClientConnection&, const http::ClientResult&) override {}
  } ignore;
  auto connection = std::make_unique<http::ClientConnection>(client_loop, net::resolve("127.0.0.1", server.port()),
                                                             &ignore);
  std::string request = "POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
  client_loop.post([&] { connection->send(request, {}); });
  auto responder = delivered.get_future().get();

  auto left = std::make_shared<CancelSignal>();
  auto finished = std::make_shared<CancelSignal>();
  on_loop(loop, [&] {
    watch->watch(responder, left);
    watch->watch(responder, finished);
  });
  finished.reset();  // its work completed and let go of the signal
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(left->cancelled());  // the client is still there
  on_loop(loop, [&] { EXPECT_EQ(watch->watched(), 1u); });

  on_loop(loop, [&] { http::Responder(responder).abort(); });  // the connection goes away
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!left->cancelled() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(left->cancelled());
  on_loop(loop, [&] {
    EXPECT_EQ(watch->watched(), 0u);
    watch.reset();
  });
  client_loop.post([&] {
    connection.reset();
    client_loop.stop();
  });
  client_thread.join();
  responder = {};
  server.shutdown(0ms);
}

}  // namespace
}  // namespace ragscale::serve
