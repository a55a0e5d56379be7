// ApiError: a request failure with the HTTP status and the message the client sees in
// {"error":{"code","message"}}. Thrown by request validation and caught by the router.
#pragma once

#include <stdexcept>
#include <string>

namespace ragscale::serve {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace ragscale::serve
