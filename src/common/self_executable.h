// self_executable(): the path of the running ragscale binary (/proc/self/exe), for the
// commands that start copies of themselves (load --processes, cluster, demo). Throws
// std::runtime_error when it cannot be read.
#pragma once

#include <string>

namespace ragscale {

std::string self_executable();

}  // namespace ragscale
