// The data directory holds every uploaded document and its embeddings: only the user the
// service runs as may read it, whatever the umask.
//
// Contract: make_private_directory() creates a missing directory (and its parents) and
// gives the directory itself mode 0700; an existing one is left as the operator made it.
// make_private_file() creates the file if missing and sets mode 0600 either way (before
// anything is written to it, so it is never readable by others). Both throw
// std::runtime_error naming the path on failure.
#pragma once

#include <string>

namespace ragscale::serve {

void make_private_directory(const std::string& path);
void make_private_file(const std::string& path);

}  // namespace ragscale::serve
