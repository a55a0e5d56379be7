#include "serve/storage/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace ragscale::serve {

void make_private_directory(const std::string& path) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) return;
  std::filesystem::create_directories(path, error);
  if (!error) std::filesystem::permissions(path, std::filesystem::perms::owner_all, error);
  if (error) throw std::runtime_error("cannot create data directory " + path + ": " + error.message());
}

void make_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0 || ::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot create " + path + " readable only by its owner: " + reason);
  }
  ::close(fd);
}

}  // namespace ragscale::serve
