#include "common/self_executable.h"

#include <filesystem>
#include <stdexcept>

namespace ragscale {

std::string self_executable() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw std::runtime_error("cannot find this program's path (/proc/self/exe): " + error.message());
  return path.string();
}

}  // namespace ragscale
