// ServeConfig: every setting of `ragscale serve`, where it comes from and how it is
// shown.
//
// Contract:
// - Each setting has one name used in all three places: the YAML key ("chunk_size"),
//   the flag ("--chunk-size") and the environment variable ("RAGSCALE_CHUNK_SIZE").
// - Precedence, lowest to highest: built-in defaults, the YAML file (--config FILE or
//   RAGSCALE_CONFIG), RAGSCALE_* variables, command-line flags.
// - Bad values, unknown flags, unknown YAML keys and unreadable files throw
//   ConfigError whose message names the setting, the source and what is accepted.
// - describe() renders the effective configuration with secrets (keys, passwords)
//   masked; help() documents every setting.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ragscale::serve {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServeConfig {
  // Network
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  int io_threads = 1;
  size_t max_connections = 10000;
  size_t max_body_bytes = 64 * 1024;
  size_t max_upload_bytes = 100 * 1024 * 1024;
  size_t max_body_bytes_in_flight = 256 * 1024 * 1024;  // all request bodies being received or served
  size_t max_question_chars = 4000;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds shutdown_grace{10000};
  // Work
  int workers = 0;  // 0: one per core
  size_t max_queued_tasks = 4096;
  // Storage and ingestion
  std::string data_dir = "./ragscale-data";
  std::string load_dir;  // documents loaded at start into an empty data folder
  std::string store;     // empty: SQLite in data_dir; postgres://...: a shared PostgreSQL
  size_t store_connections = 8;
  std::chrono::milliseconds store_timeout{3000};
  std::chrono::milliseconds store_poll{2000};
  size_t chunk_size = 800;
  size_t chunk_overlap = 100;
  // Embedder
  std::string embedder = "hashing";
  size_t embed_dimension = 256;
  std::string embed_url;
  std::string embed_model = "text-embedding-3-small";
  std::string embed_key;
  size_t embed_batch = 64;
  std::chrono::milliseconds embed_timeout{30000};
  // Generator
  std::string llm_url;
  std::string llm_model = "gpt-4o-mini";
  std::string llm_key;
  std::chrono::milliseconds llm_timeout{30000};
  size_t llm_connections = 64;  // generations in flight to the chat backend at once
  size_t llm_queue = 256;       // generations waiting for one of those connections
  std::chrono::milliseconds llm_connect_timeout{2000};
  std::chrono::milliseconds llm_first_token_timeout{0};  // 0: llm_timeout alone
  size_t llm_retries = 2;
  double retry_budget = 0.1;
  // Circuit breakers (one per backend)
  std::chrono::milliseconds breaker_window{10000};
  size_t breaker_min_calls = 10;
  double breaker_failure_rate = 0.5;
  double breaker_slow_rate = 0.8;
  std::chrono::milliseconds breaker_slow_call{0};  // 0: the backend's timeout
  size_t breaker_consecutive = 5;
  std::chrono::milliseconds breaker_open_wait{5000};
  size_t breaker_probes = 3;
  // Query-time embedding (embedder backends)
  size_t embed_batch_max = 32;
  std::chrono::milliseconds embed_batch_delay{2};
  size_t embed_max_in_flight = 2;
  size_t embed_cache_entries = 10000;
  // Overload: the bounded wait for the model, admission control, the degradation ladder
  std::chrono::milliseconds llm_max_wait{1000};  // for a place among the model calls in flight
  bool fallback = true;                          // off: 503 instead of degraded answers
  size_t llm_limit_min = 4;        // the model calls' adaptive limit: floor and start (ceiling: llm_connections)
  size_t llm_limit_initial = 8;  // low: its first windows must see the model unloaded (the baseline)
  size_t workers_limit_min = 16;   // the worker stage's adaptive limit: floor, and start and ceiling
  size_t workers_limit = 1000;
  double ladder_queue_delay = 0.5;               // seconds of worker queueing that step the ladder down
  double ladder_shed_rate = 0.05;
  std::chrono::milliseconds ladder_down_hold{1000};
  std::chrono::milliseconds ladder_up_hold{5000};
  size_t reduced_sources = 2;
  size_t reduced_max_tokens = 128;
  size_t retrieval_cache_entries = 10000;
  // Retrieval
  size_t hnsw_m = 16;
  size_t hnsw_ef_construction = 64;
  size_t hnsw_ef_search = 64;
  size_t candidates = 50;
  double rrf_k = 60.0;
  // Cache
  size_t cache_entries = 10000;
  size_t cache_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds cache_ttl{3600000};
  std::string cache;  // redis://HOST:PORT[/DB]: the shared second level; empty: none
  std::chrono::milliseconds cache_timeout{100};
  std::chrono::milliseconds stale_grace{3600000};
  std::string warm_file;
  size_t warm_rate = 5;
  // Auth
  std::vector<std::string> api_keys;
  std::map<std::string, std::string> users;  // username -> password
  std::chrono::milliseconds token_ttl{86400000};
  // Rate limits per client (API key; address with auth off), as written; empty: off.
  // Checked when loaded; src/serve/api/rate_limits.h says which limit judges a request.
  std::string rate_limit;         // "100/min", "5/s:burst=20"
  std::string upload_rate_limit;  // uploads, instead of rate_limit
  std::string route_rate_limits;  // "/query=60/min,/api/v1/search=600/min": a route's own, instead of both

  bool auth_enabled() const { return !api_keys.empty() || !users.empty(); }
};

// What the command line asked for besides settings.
struct ServeInvocation {
  ServeConfig config;
  bool show_help = false;
};

// argv[0] is the subcommand name. `environment` is the process environment as
// NAME=VALUE strings (environ), so tests can pass their own.
ServeInvocation load_serve_config(int argc, char** argv, char** environment);

std::string describe(const ServeConfig& config);
std::string serve_help();

}  // namespace ragscale::serve
