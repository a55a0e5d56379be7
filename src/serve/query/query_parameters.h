// QueryParameters: what a /query request asks for, once validated by its route.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ragscale::serve {

struct QueryParameters {
  std::string question;
  int64_t max_sources = 4;
  double temperature = 0;
  bool stream = false;
  size_t max_tokens = 0;  // 0: the model's own limit (the reduced rung sets a smaller one)
};

}  // namespace ragscale::serve
