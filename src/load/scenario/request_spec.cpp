#include "load/scenario/request_spec.h"

namespace ragscale::scenario {

bool RequestSpec::is_static() const {
  if (!target.is_static() || !body.is_static()) return false;
  for (const auto& header : headers) {
    if (!header.value.is_static()) return false;
  }
  return true;
}

}  // namespace ragscale::scenario
