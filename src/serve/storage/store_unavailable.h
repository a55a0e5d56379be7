// StoreUnavailable: the document store could not be reached or did not answer in time —
// a dependency is down, not a bug — so the service answers 503 (retry), not 500.
#pragma once

#include <stdexcept>

namespace ragscale::serve {

class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ragscale::serve
