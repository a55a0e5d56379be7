#include <cstdio>

#include "app/commands.h"

namespace ragscale {

int run_sim_command(int, char**) {
  std::fprintf(stderr, "ragscale sim: not available in this build yet\n");
  return 2;
}

}  // namespace ragscale
