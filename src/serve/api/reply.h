// Reply: what a route decided to answer, built on any thread and sent on the loop
// thread of the request's connection (send_reply), as one response or as a stream of
// Server-Sent Events.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/server.h"

namespace ragscale::serve {

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  http::Headers headers;
  bool stream = false;
  std::vector<std::string> frames;  // Server-Sent Events, when stream is set
};

Reply json_reply(int status, std::string body);
// {"error":{"code","message"}} with the status.
Reply error_reply(int status, std::string_view message);
// 503 with Retry-After (seconds): the service cannot take this request now.
Reply busy_reply(std::string_view message, int retry_after_seconds = 1);

// Sends `reply` through `responder`; on the responder's loop thread only.
void send_reply(http::Responder& responder, Reply reply);

}  // namespace ragscale::serve
