#include <cstdio>

#include "app/commands.h"

namespace ragscale {

int run_serve_command(int, char**) {
  std::fprintf(stderr, "ragscale serve: not available in this build yet\n");
  return 2;
}

}  // namespace ragscale
