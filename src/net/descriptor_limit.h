// Open-file descriptors for servers: raising the process's limit, and a descriptor held
// in reserve for when it runs out.
//
// A server that hits EMFILE cannot accept, yet the pending connection stays in the
// listen backlog, so a level-triggered listener reports it again and again: a busy loop
// that answers nobody. With a SpareDescriptor the server closes the spare, accepts the
// connection, answers it (503) and closes it, then takes the spare back.
#pragma once

#include <cstddef>

namespace ragscale::net {

// Raises the soft RLIMIT_NOFILE to the hard limit (each connection is a descriptor; the
// usual soft limit of 1024 would cap a server far below its --max-connections).
// Returns the soft limit in force afterwards (0 when it cannot be read).
size_t raise_open_file_limit();

// One descriptor (on /dev/null) kept open to be given up when the process runs out.
// Loop-thread use only.
class SpareDescriptor {
 public:
  SpareDescriptor() { reacquire(); }
  ~SpareDescriptor() { release(); }
  SpareDescriptor(const SpareDescriptor&) = delete;
  SpareDescriptor& operator=(const SpareDescriptor&) = delete;

  bool held() const { return fd_ >= 0; }
  // Closes it, freeing one descriptor for the caller's next open or accept.
  void release();
  // Opens it again if it is not held; false when the process is still out of descriptors.
  bool reacquire();

 private:
  int fd_ = -1;
};

}  // namespace ragscale::net
