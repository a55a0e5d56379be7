// FolderUpload: uploads every document of a folder to a running ragscale serve (or any
// service with the same upload API) and waits until each is searchable.
//
// Each file goes up as POST {base}/api/v1/documents/upload?title=TITLE (a Markdown file's
// first-line heading, else its name) with its text as the body, over a few keep-alive connections at once; after its 201 the document's status
// (GET .../documents/{id}/status) is polled until it is ready or failed. Everything runs on
// one event loop of the network core; progress is reported through a callback.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/document_folder.h"
#include "net/socket.h"

namespace ragscale::ingest_client {

struct UploadSettings {
  net::SocketAddress address;
  std::string host_header;
  std::string base_path;       // "" or "/prefix", no trailing slash
  std::string api_key;         // sent as X-API-Key when not empty
  int connections = 4;
  std::chrono::milliseconds request_timeout{60000};
  std::chrono::milliseconds ready_timeout{120000};  // for all documents to become ready
};

struct FileOutcome {
  std::filesystem::path file;
  int64_t id = -1;        // the service's document id, once accepted
  bool ready = false;
  std::string error;      // why it failed; empty when it did not
};

struct Progress {
  size_t files = 0;
  size_t uploaded = 0;  // answered (accepted or refused)
  size_t settled = 0;   // ready or failed
};

std::vector<FileOutcome> upload_folder(const std::vector<std::filesystem::path>& files,
                                       const UploadSettings& settings,
                                       const std::function<void(const Progress&)>& on_progress);

}  // namespace ragscale::ingest_client
