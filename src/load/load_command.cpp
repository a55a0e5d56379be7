#include <cstdio>

#include "app/commands.h"

namespace ragscale {

int run_load_command(int, char**) {
  std::fprintf(stderr, "ragscale load: not available in this build yet\n");
  return 2;
}

}  // namespace ragscale
