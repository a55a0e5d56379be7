#include "serve/api/reply.h"

#include "http/response_format.h"

namespace ragscale::serve {

Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

Reply error_reply(int status, std::string_view message) { return json_reply(status, http::error_json(status, message)); }

Reply busy_reply(std::string_view message, int retry_after_seconds) {
  Reply reply = error_reply(503, message);
  reply.headers.add("Retry-After", std::to_string(retry_after_seconds));
  return reply;
}

void send_reply(http::Responder& responder, Reply reply) {
  if (!reply.stream) {
    responder.send(reply.status, reply.content_type, std::move(reply.body), reply.headers);
    return;
  }
  http::Headers headers = reply.headers;
  headers.add("Cache-Control", "no-cache");
  responder.start_stream(reply.status, "text/event-stream", headers);
  for (const auto& frame : reply.frames) {
    if (!responder.write(frame)) return;
  }
  responder.finish();
}

}  // namespace ragscale::serve
