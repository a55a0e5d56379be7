#include <csignal>
#include <cstdio>
#include <thread>

#include "common/heap_policy.h"
#include "app/commands.h"
#include "common/document_folder.h"
#include "net/descriptor_limit.h"
#include "serve/api/rag_service.h"
#include "serve/config/serve_config.h"
#include "serve/storage/document_store.h"

extern char** environ;

namespace ragscale {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

}  // namespace

int run_serve_command(int argc, char** argv) {
  serve::ServeInvocation invocation;
  try {
    invocation = serve::load_serve_config(argc, argv, environ);
  } catch (const serve::ConfigError& e) {
    std::fprintf(stderr, "ragscale serve: %s\n", e.what());
    return 2;
  }
  if (invocation.show_help) {
    std::fputs(serve::serve_help().c_str(), stdout);
    return 0;
  }
  const auto& config = invocation.config;
  if (!config.load_dir.empty()) {
    try {
      documents_in(config.load_dir);  // a bad folder is bad input, found before anything starts
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ragscale serve: load_dir %s\n", e.what());
      return 2;
    }
  }
  std::fputs(serve::describe(config).c_str(), stderr);
  if (!config.auth_enabled()) {
    std::fputs("ragscale serve: auth is off (no api_keys or users configured)\n", stderr);
  }

  // Each connection is a descriptor: without this the usual soft limit of 1024 would cap
  // the server far below max_connections.
  fix_large_allocation_threshold();  // a huge request's memory goes back when it is done
  size_t open_files = net::raise_open_file_limit();
  if (open_files != 0 && config.max_connections + 64 > open_files) {
    std::fprintf(stderr,
                 "ragscale serve: max_connections is %zu but the process may open only %zu files; connections past "
                 "that are answered 503 (raise it with ulimit -n)\n",
                 config.max_connections, open_files);
  }

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });

  serve::RagService service(config);
  try {
    service.start();
  } catch (const serve::StoreUnavailable& e) {
    // A store that cannot be reached at start is a setting to fix, like a bad flag.
    std::fprintf(stderr, "ragscale serve: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ragscale serve: %s\n", e.what());
    return 1;
  }
  std::printf("listening on %s:%u\n", config.host.c_str(), service.port());
  std::fflush(stdout);
  while (!stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::fputs("ragscale serve: shutting down\n", stderr);
  service.shutdown();
  return 0;
}

}  // namespace ragscale
