// `ragscale ingest DIR --host URL`: uploads a folder of documents to a running service,
// with a progress bar, and waits until every document is searchable.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include "app/commands.h"
#include "common/duration.h"
#include "ingest_client/folder_upload.h"
#include "load/scenario/target_url.h"

namespace ragscale {

namespace {

constexpr const char* kIngestHelp = R"(Usage: ragscale ingest DIR --host URL [options]

Uploads every document in DIR (.md, .markdown, .txt, .text, .rst) to a running ragscale
serve through its upload API, a few at a time, and waits until each is ready to search.
A progress bar goes to stderr; documents that fail are listed with the reason.

  --host URL          the service, e.g. http://127.0.0.1:8000 (required)
  --api-key KEY       sent as X-API-Key (default: $RAGSCALE_API_KEY, if set)
  --connections N     uploads in flight at once (default 4)
  --timeout DUR       per-request timeout (default 60s)
  --wait DUR          how long to wait for all documents to be ready (default 2m)
  -q, --quiet         no progress bar
  -h, --help          this text

Exit codes: 0 every document is ready, 1 some failed, 2 bad input (flags, folder, URL).
)";

void draw_progress(const ingest_client::Progress& progress, bool tty) {
  const int width = 30;
  const size_t filled = progress.files == 0 ? 0 : progress.settled * width / progress.files;
  std::string bar(filled, '#');
  bar.append(static_cast<size_t>(width) - filled, '.');
  std::fprintf(stderr, "%s[%s] %zu/%zu uploaded, %zu/%zu settled%s", tty ? "\r\033[K" : "", bar.c_str(),
               progress.uploaded, progress.files, progress.settled, progress.files, tty ? "" : "\n");
  std::fflush(stderr);
}

}  // namespace

int run_ingest_command(int argc, char** argv) {
  std::string folder;
  std::string host;
  ingest_client::UploadSettings settings;
  if (const char* key = std::getenv("RAGSCALE_API_KEY")) settings.api_key = key;
  bool quiet = false;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value (see ragscale ingest --help)");
        return argv[++i];
      };
      if (arg == "-h" || arg == "--help") {
        std::fputs(kIngestHelp, stdout);
        return 0;
      } else if (arg == "--host" || arg == "-H") {
        host = value();
      } else if (arg == "--api-key") {
        settings.api_key = value();
      } else if (arg == "--connections") {
        std::string text = value();
        int n = std::atoi(text.c_str());
        if (n < 1 || n > 256 || text.find_first_not_of("0123456789") != std::string::npos) {
          throw std::invalid_argument("--connections " + text + ": expected a whole number from 1 to 256");
        }
        settings.connections = n;
      } else if (arg == "--timeout") {
        settings.request_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration(value()));
      } else if (arg == "--wait") {
        settings.ready_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration(value()));
      } else if (arg == "-q" || arg == "--quiet") {
        quiet = true;
      } else if (arg.size() > 1 && arg[0] == '-') {
        throw std::invalid_argument("unknown flag '" + std::string(arg) + "' (see ragscale ingest --help)");
      } else if (folder.empty()) {
        folder = arg;
      } else {
        throw std::invalid_argument("one folder only; got '" + folder + "' and '" + std::string(arg) + "'");
      }
    }
    if (folder.empty()) throw std::invalid_argument("give the folder to upload: ragscale ingest DIR --host URL");
    if (host.empty()) throw std::invalid_argument("give the service: --host http://127.0.0.1:8000");
    scenario::TargetUrl url = scenario::parse_target_url(host);
    settings.address = net::resolve(url.host, url.port);
    settings.host_header = url.host_header();
    settings.base_path = url.base_path == "/" ? "" : url.base_path;
    while (!settings.base_path.empty() && settings.base_path.back() == '/') settings.base_path.pop_back();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale ingest: %s\n", error.what());
    return 2;
  }

  std::vector<std::filesystem::path> files;
  try {
    files = documents_in(folder);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale ingest: %s\n", error.what());
    return 2;
  }
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const auto started = std::chrono::steady_clock::now();
  auto outcomes = ingest_client::upload_folder(files, settings, [&](const ingest_client::Progress& progress) {
    if (!quiet && (tty || progress.settled == progress.files)) draw_progress(progress, tty);
  });
  if (!quiet && tty) std::fputc('\n', stderr);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  size_t ready = 0;
  for (const auto& outcome : outcomes) {
    if (outcome.ready) {
      ++ready;
    } else {
      std::fprintf(stderr, "  failed: %s: %s\n", outcome.file.string().c_str(), outcome.error.c_str());
    }
  }
  std::printf("ingested %zu of %zu documents from %s into %s in %.1f s (%zu failed)\n", ready, outcomes.size(),
              folder.c_str(), host.c_str(), seconds, outcomes.size() - ready);
  return ready == outcomes.size() ? 0 : 1;
}

}  // namespace ragscale
