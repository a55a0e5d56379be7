#include "serve/api/login_route.h"

#include "serve/api/api_error.h"
#include "serve/api/json_input.h"

namespace ragscale::serve {

void handle_login(ServiceContext& context, http::Request& request, http::Responder& responder,
                  std::chrono::steady_clock::time_point start) {
  JsonInput input(request.body);
  auto username = input.string("username");
  auto password = input.string("password");
  if (!username || !password) throw ApiError(400, "fields \"username\" and \"password\" are required");
  auto attempt = context.auth.login(*username, *password, request.peer_address);
  if (attempt.retry_after.count() > 0) {
    Reply reply = error_reply(429, "too many failed logins for this user; retry in " +
                                       std::to_string(attempt.retry_after.count()) + " s");
    reply.headers.add("Retry-After", std::to_string(attempt.retry_after.count()));
    context.finish(responder, Route::kLogin, start, std::move(reply));
    return;
  }
  if (!attempt.token) throw ApiError(401, "invalid username or password");
  std::string body = "{\"access_token\":\"" + *attempt.token + "\",\"token_type\":\"bearer\",\"expires_in\":" +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(context.auth.token_ttl()).count()) +
                     "}\n";
  context.finish(responder, Route::kLogin, start, json_reply(200, std::move(body)));
}

}  // namespace ragscale::serve
