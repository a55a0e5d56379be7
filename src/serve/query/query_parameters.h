// QueryParameters: what a /query request asks for, once validated by its route.
#pragma once

#include <cstdint>
#include <string>

namespace ragscale::serve {

struct QueryParameters {
  std::string question;
  int64_t max_sources = 4;
  double temperature = 0;
  bool stream = false;
};

}  // namespace ragscale::serve
