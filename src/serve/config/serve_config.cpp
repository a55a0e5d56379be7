#include "serve/config/serve_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "common/duration.h"
#include "redis/redis_url.h"
#include "serve/api/rate_limits.h"
#include "serve/storage/postgres.h"

namespace ragscale::serve {
namespace {

struct Setting {
  const char* name;
  const char* value_hint;
  const char* help;
  bool secret;
  std::function<void(ServeConfig&, const std::string&)> set;
  std::function<std::string(const ServeConfig&)> get;
};

std::string flag_name(const char* name) {
  std::string flag = std::string("--") + name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::string env_name(const char* name) {
  std::string env = "RAGSCALE_";
  for (const char* p = name; *p; ++p) env.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(*p))));
  return env;
}

uint64_t parse_unsigned(const std::string& text, uint64_t min, uint64_t max) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("expected a whole number, got \"" + text + "\"");
  }
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE || value < min || value > max) {
    throw std::invalid_argument("expected a number from " + std::to_string(min) + " to " + std::to_string(max) +
                                ", got " + text);
  }
  return value;
}

// "65536", "64KB", "100MB", "1GiB" (powers of 1024 either way).
uint64_t parse_bytes(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB") scale = 1ull << 10;
  else if (unit == "M" || unit == "MB" || unit == "MIB") scale = 1ull << 20;
  else if (unit == "G" || unit == "GB" || unit == "GIB") scale = 1ull << 30;
  if (digits == 0 || scale == 0) {
    throw std::invalid_argument("expected a size like 65536, 64KB or 100MB, got \"" + text + "\"");
  }
  return parse_unsigned(text.substr(0, digits), 0, (1ull << 40)) * scale;
}

std::chrono::milliseconds parse_ms(const std::string& text) {
  std::string error;
  auto value = try_parse_duration(text, &error);
  if (!value) throw std::invalid_argument(error);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*value);
}

// on/off (also true/false, yes/no, 1/0).
bool parse_switch(const std::string& text) {
  if (text == "on" || text == "true" || text == "yes" || text == "1") return true;
  if (text == "off" || text == "false" || text == "no" || text == "0") return false;
  throw std::invalid_argument("expected on or off, got \"" + text + "\"");
}

// A number of seconds such as 0.5, at least 0.
double parse_seconds(const std::string& text) {
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !(value >= 0.0 && value < 86400.0)) {
    throw std::invalid_argument("expected a number of seconds such as 0.5, got \"" + text + "\"");
  }
  return value;
}

// A fraction from 0 to 1, written 0.1 or 10%.
double parse_ratio(const std::string& text) {
  std::string number = text;
  double scale = 1.0;
  if (!number.empty() && number.back() == '%') {
    number.pop_back();
    scale = 0.01;
  }
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(number, &used) * scale;
  } catch (const std::exception&) {
    used = 0;
  }
  if (number.empty() || used != number.size() || !(value >= 0.0 && value <= 1.0)) {
    throw std::invalid_argument("expected a fraction from 0 to 1 such as 0.1 or 10%, got \"" + text + "\"");
  }
  return value;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    auto begin = item.find_first_not_of(" \t");
    auto end = item.find_last_not_of(" \t");
    if (begin != std::string::npos) items.push_back(item.substr(begin, end - begin + 1));
  }
  return items;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string show_ms(std::chrono::milliseconds value) {
  return format_duration(std::chrono::duration_cast<std::chrono::microseconds>(value));
}

#define SIZE_SETTING(field, min, max)                                                       \
  [](ServeConfig& c, const std::string& v) { c.field = parse_unsigned(v, min, max); }, \
      [](const ServeConfig& c) { return std::to_string(c.field); }
#define BYTES_SETTING(field)                                                 \
  [](ServeConfig& c, const std::string& v) { c.field = parse_bytes(v); }, \
      [](const ServeConfig& c) { return std::to_string(c.field); }
#define DURATION_SETTING(field)                                           \
  [](ServeConfig& c, const std::string& v) { c.field = parse_ms(v); }, \
      [](const ServeConfig& c) { return show_ms(c.field); }
#define RATIO_SETTING(field)                                                 \
  [](ServeConfig& c, const std::string& v) { c.field = parse_ratio(v); }, \
      [](const ServeConfig& c) { return std::to_string(c.field); }
#define SWITCH_SETTING(field)                                                    \
  [](ServeConfig& c, const std::string& v) { c.field = parse_switch(v); }, \
      [](const ServeConfig& c) { return std::string(c.field ? "on" : "off"); }
#define STRING_SETTING(field)                                     \
  [](ServeConfig& c, const std::string& v) { c.field = v; }, \
      [](const ServeConfig& c) { return c.field; }

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      {"host", "ADDR", "address to listen on", false, STRING_SETTING(host)},
      {"port", "N", "TCP port (0 picks a free one)", false,
       [](ServeConfig& c, const std::string& v) { c.port = static_cast<uint16_t>(parse_unsigned(v, 0, 65535)); },
       [](const ServeConfig& c) { return std::to_string(c.port); }},
      {"data", "DIR", "data directory (SQLite database and dense index)", false, STRING_SETTING(data_dir)},
      {"store", "URL",
       "shared document store, postgres://user[:password]@host:port/database (default: SQLite in the data "
       "directory); see docs/storage.md",
       false, [](ServeConfig& c, const std::string& v) { c.store = v; },
       [](const ServeConfig& c) { return pg::redact_url(c.store); }},
      {"store_connections", "N", "connections to the shared store per replica", false,
       SIZE_SETTING(store_connections, 1, 1000)},
      {"store_timeout", "DURATION", "deadline of each connect and statement to the shared store", false,
       DURATION_SETTING(store_timeout)},
      {"store_poll", "DURATION",
       "catch-up poll of the shared store's change feed, should a notification be missed", false,
       DURATION_SETTING(store_poll)},
      {"load_dir", "DIR", "documents (.md, .txt, .rst) loaded at start when the data directory holds none", false,
       STRING_SETTING(load_dir)},
      {"io_threads", "N", "event-loop threads accepting and parsing HTTP", false, SIZE_SETTING(io_threads, 1, 256)},
      {"workers", "N", "worker threads for chunking, embedding, retrieval, storage (0 = one per core)", false,
       SIZE_SETTING(workers, 0, 1024)},
      {"max_queued_tasks", "N", "work queued beyond this is refused with 503", false,
       SIZE_SETTING(max_queued_tasks, 1, 10000000)},
      {"max_connections", "N", "open connections beyond this are refused", false,
       SIZE_SETTING(max_connections, 1, 10000000)},
      {"max_body", "SIZE", "largest request body except uploads", false, BYTES_SETTING(max_body_bytes)},
      {"max_upload", "SIZE", "largest upload body", false, BYTES_SETTING(max_upload_bytes)},
      {"max_body_bytes_in_flight", "SIZE", "request bodies held at once, all connections together; past it 503",
       false, BYTES_SETTING(max_body_bytes_in_flight)},
      {"max_question_chars", "N", "longest question accepted, in bytes", false,
       SIZE_SETTING(max_question_chars, 1, 10000000)},
      {"header_timeout", "DURATION", "time allowed to receive a request head", false,
       DURATION_SETTING(header_timeout)},
      {"body_timeout", "DURATION", "time allowed to receive a request body", false, DURATION_SETTING(body_timeout)},
      {"idle_timeout", "DURATION", "keep-alive connections idle this long are closed", false,
       DURATION_SETTING(idle_timeout)},
      {"shutdown_grace", "DURATION", "on SIGTERM, time given to in-flight requests", false,
       DURATION_SETTING(shutdown_grace)},
      {"chunk_size", "N", "target chunk size in bytes", false, SIZE_SETTING(chunk_size, 16, 1000000)},
      {"chunk_overlap", "N", "bytes repeated from the previous chunk", false, SIZE_SETTING(chunk_overlap, 0, 999999)},
      {"embedder", "NAME", "hashing (built in) or openai (set --embed-url)", false, STRING_SETTING(embedder)},
      {"embed_dimension", "N", "dimension of the hashing embedder's vectors", false,
       SIZE_SETTING(embed_dimension, 8, 65536)},
      {"embed_url", "URL", "OpenAI-compatible embeddings base URL, http:// or https:// (e.g. http://127.0.0.1:8001; "
       "https is verified against the system trust store, or SSL_CERT_FILE)", false,
       STRING_SETTING(embed_url)},
      {"embed_model", "NAME", "model name sent to the embeddings endpoint", false, STRING_SETTING(embed_model)},
      {"embed_key", "KEY", "API key for the embeddings endpoint", true, STRING_SETTING(embed_key)},
      {"embed_batch", "N", "texts per embeddings request", false, SIZE_SETTING(embed_batch, 1, 10000)},
      {"embed_timeout", "DURATION", "time allowed for one embeddings request", false, DURATION_SETTING(embed_timeout)},
      {"llm_url", "URL", "OpenAI-compatible chat completions base URL; empty uses the extractive generator", false,
       STRING_SETTING(llm_url)},
      {"llm_model", "NAME", "model name sent to the chat endpoint", false, STRING_SETTING(llm_model)},
      {"llm_key", "KEY", "API key for the chat endpoint", true, STRING_SETTING(llm_key)},
      {"llm_timeout", "DURATION", "time allowed for one generation", false, DURATION_SETTING(llm_timeout)},
      {"llm_connections", "N", "generations in flight to the chat backend at once; more wait their turn", false,
       SIZE_SETTING(llm_connections, 1, 10000)},
      {"llm_queue", "N",
       "generations waiting for a chat backend connection; past it the answer is extractive (degraded, "
       "\"overloaded\")",
       false, SIZE_SETTING(llm_queue, 0, 1000000)},
      {"llm_connect_timeout", "DURATION", "time allowed to connect to the chat backend (within llm_timeout)", false,
       DURATION_SETTING(llm_connect_timeout)},
      {"llm_first_token_timeout", "DURATION",
       "time allowed until the model's first token (0: llm_timeout alone bounds the call)", false,
       DURATION_SETTING(llm_first_token_timeout)},
      {"llm_retries", "N",
       "retries of a model call that certainly did no work (connect failure, 429, 503), within the deadline", false,
       SIZE_SETTING(llm_retries, 0, 10)},
      {"retry_budget", "RATIO", "retries allowed as a fraction of first attempts (0.1: at most ~10% extra calls)",
       false, RATIO_SETTING(retry_budget)},
      {"breaker_window", "DURATION", "sliding window over which each backend's circuit breaker judges calls", false,
       DURATION_SETTING(breaker_window)},
      {"breaker_min_calls", "N", "calls the window must hold before rates can open the breaker", false,
       SIZE_SETTING(breaker_min_calls, 1, 1000000)},
      {"breaker_failure_rate", "RATIO", "failure rate in the window that opens the breaker", false,
       RATIO_SETTING(breaker_failure_rate)},
      {"breaker_slow_rate", "RATIO", "slow-call rate in the window that opens the breaker", false,
       RATIO_SETTING(breaker_slow_rate)},
      {"breaker_slow_call", "DURATION", "a call this slow counts as slow (0: the backend's own timeout)", false,
       DURATION_SETTING(breaker_slow_call)},
      {"breaker_consecutive", "N", "consecutive failures that open the breaker at once (0: off)", false,
       SIZE_SETTING(breaker_consecutive, 0, 1000000)},
      {"breaker_open_wait", "DURATION", "how long an open breaker refuses calls before probing", false,
       DURATION_SETTING(breaker_open_wait)},
      {"breaker_probes", "N", "calls let through while half-open; all must succeed to close", false,
       SIZE_SETTING(breaker_probes, 1, 1000)},
      {"embed_batch_max", "N", "questions batched into one query-time embeddings request", false,
       SIZE_SETTING(embed_batch_max, 1, 10000)},
      {"embed_batch_delay", "DURATION", "longest a question waits for others to batch with", false,
       DURATION_SETTING(embed_batch_delay)},
      {"embed_max_in_flight", "N",
       "query-time embeddings requests out at once before partial batches wait for one to return (0: no bound)",
       false, SIZE_SETTING(embed_max_in_flight, 0, 10000)},
      {"embed_cache_entries", "N", "query embeddings kept (LRU; 0 disables)", false,
       SIZE_SETTING(embed_cache_entries, 0, 100000000)},
      {"retrieval_cache_entries", "N", "retrieval results kept per index generation (LRU; 0 disables)", false,
       SIZE_SETTING(retrieval_cache_entries, 0, 100000000)},
      {"llm_max_wait", "DURATION",
       "longest a question waits for a place among the model calls in flight; then it falls back (overload)", false,
       DURATION_SETTING(llm_max_wait)},
      {"fallback", "on|off", "answer from the retrieved passages when the model cannot (off: 503 with Retry-After)",
       false, SWITCH_SETTING(fallback)},
      {"llm_limit_min", "N", "floor of the adaptive limit on model calls in flight", false,
       SIZE_SETTING(llm_limit_min, 1, 100000)},
      {"llm_limit_initial", "N", "starting value of the adaptive limit on model calls in flight (at most llm_connections)",
       false, SIZE_SETTING(llm_limit_initial, 1, 100000)},
      {"workers_limit_min", "N", "floor of the adaptive limit on questions in the worker stage", false,
       SIZE_SETTING(workers_limit_min, 1, 1000000)},
      {"workers_limit", "N",
       "start and ceiling of the adaptive limit on questions in the worker stage; past it they are shed (503)", false,
       SIZE_SETTING(workers_limit, 1, 1000000)},
      {"ladder_queue_delay", "SECONDS", "worker queueing delay that steps the degradation ladder down", false,
       [](ServeConfig& c, const std::string& v) { c.ladder_queue_delay = parse_seconds(v); },
       [](const ServeConfig& c) { return std::to_string(c.ladder_queue_delay); }},
      {"ladder_shed_rate", "RATIO", "share of questions shed that steps the degradation ladder down", false,
       RATIO_SETTING(ladder_shed_rate)},
      {"ladder_down_hold", "DURATION", "pressure must last this long for each step down", false,
       DURATION_SETTING(ladder_down_hold)},
      {"ladder_up_hold", "DURATION", "calm must last this long for each step back up", false,
       DURATION_SETTING(ladder_up_hold)},
      {"reduced_sources", "N", "sources per answer on the ladder's reduced rung", false,
       SIZE_SETTING(reduced_sources, 1, 50)},
      {"reduced_max_tokens", "N", "longest model answer on the reduced rung, in tokens", false,
       SIZE_SETTING(reduced_max_tokens, 1, 100000)},
      {"hnsw_m", "N", "HNSW graph degree", false, SIZE_SETTING(hnsw_m, 2, 256)},
      {"hnsw_ef_construction", "N", "HNSW build beam width", false, SIZE_SETTING(hnsw_ef_construction, 8, 4096)},
      {"hnsw_ef_search", "N", "HNSW search beam width", false, SIZE_SETTING(hnsw_ef_search, 8, 4096)},
      {"candidates", "N", "hits taken from each retriever before fusion", false, SIZE_SETTING(candidates, 1, 1000)},
      {"rrf_k", "K", "reciprocal-rank fusion constant", false,
       [](ServeConfig& c, const std::string& v) { c.rrf_k = static_cast<double>(parse_unsigned(v, 1, 100000)); },
       [](const ServeConfig& c) { return std::to_string(static_cast<long>(c.rrf_k)); }},
      {"cache_entries", "N", "query cache capacity in entries (0 disables it)", false,
       SIZE_SETTING(cache_entries, 0, 100000000)},
      {"cache_bytes", "SIZE", "query cache capacity in bytes", false, BYTES_SETTING(cache_bytes)},
      {"cache_ttl", "DURATION", "how long a cached answer stays valid (in process and in the shared cache)", false,
       DURATION_SETTING(cache_ttl)},
      // Checked here, so a bad URL stops the start (exit 2) with what is accepted.
      {"cache", "URL",
       "shared cache in Redis, redis://HOST:PORT[/DB]: the second level of the answer cache, the shared index "
       "generation and the rate-limit buckets, shared by every replica using it; empty: in-process only",
       false,
       [](ServeConfig& c, const std::string& v) {
         if (!v.empty()) redis::parse_redis_url(v);
         c.cache = v;
       },
       [](const ServeConfig& c) { return c.cache; }},
      {"cache_timeout", "DURATION",
       "longest wait for one Redis command before the request goes on without it (Redis down: no wait at all)",
       false,
       [](ServeConfig& c, const std::string& v) {
         auto timeout = parse_ms(v);
         if (timeout.count() < 1 || timeout.count() > 10000) {
           throw std::invalid_argument("expected a duration from 1ms to 10s, e.g. 100ms, got " + v);
         }
         c.cache_timeout = timeout;
       },
       [](const ServeConfig& c) { return show_ms(c.cache_timeout); }},
      {"stale_grace", "DURATION",
       "how long past its TTL a cached answer may still be served (marked stale) when the model fails", false,
       DURATION_SETTING(stale_grace)},
      {"warm_file", "FILE", "questions (one a line) answered in the background at start to warm the cache", false,
       STRING_SETTING(warm_file)},
      {"warm_rate", "N", "warm-file questions started per second", false, SIZE_SETTING(warm_rate, 1, 100000)},
      {"api_keys", "K1,K2", "accepted API keys (X-API-Key or Authorization: Bearer)", true,
       [](ServeConfig& c, const std::string& v) { c.api_keys = split_list(v); },
       [](const ServeConfig& c) { return join(c.api_keys); }},
      {"users", "USER:PASS,...", "users allowed to POST /auth/login", true,
       [](ServeConfig& c, const std::string& v) {
         c.users.clear();
         for (const auto& pair : split_list(v)) {
           auto colon = pair.find(':');
           if (colon == std::string::npos || colon == 0) {
             throw std::invalid_argument("expected USER:PASSWORD pairs separated by commas");
           }
           c.users[pair.substr(0, colon)] = pair.substr(colon + 1);
         }
       },
       [](const ServeConfig& c) {
         std::vector<std::string> names;
         for (const auto& [name, password] : c.users) names.push_back(name + ":***");
         return join(names);
       }},
      {"token_ttl", "DURATION", "lifetime of tokens from /auth/login", false, DURATION_SETTING(token_ttl)},
      // Rate limits: each value is checked here, so a bad one stops the start (exit 2).
      {"rate_limit", "RATE",
       "requests per API key (per client address with auth off), e.g. 100/min or 100/min:burst=20; the burst "
       "defaults to the amount; past it 429 with Retry-After",
       false,
       [](ServeConfig& c, const std::string& v) {
         check_rate_setting(v);
         c.rate_limit = v;
       },
       [](const ServeConfig& c) { return c.rate_limit; }},
      {"upload_rate_limit", "RATE", "uploads per client, counted instead of rate_limit (same syntax)", false,
       [](ServeConfig& c, const std::string& v) {
         check_rate_setting(v);
         c.upload_rate_limit = v;
       },
       [](const ServeConfig& c) { return c.upload_rate_limit; }},
      {"route_rate_limits", "ROUTE=RATE,...",
       "a route's own limit per client, instead of the others, e.g. /query=60/min,/api/v1/search=600/min "
       "(routes by pattern; never the probes or /auth/login)",
       false,
       [](ServeConfig& c, const std::string& v) {
         parse_route_rates(v);
         c.route_rate_limits = v;
       },
       [](const ServeConfig& c) { return c.route_rate_limits; }},
  };
  return table;
}

const Setting* find_setting(std::string_view name) {
  for (const auto& setting : settings()) {
    if (name == setting.name) return &setting;
  }
  return nullptr;
}

void apply(ServeConfig& config, const Setting& setting, const std::string& value, const std::string& source) {
  try {
    setting.set(config, value);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source + ": " + e.what());
  } catch (const std::out_of_range& e) {
    throw ConfigError(source + ": value out of range");
  }
}

// Lists become "a,b"; maps become "k:v,k2:v2", matching the flag syntax.
std::string yaml_value_text(const YAML::Node& node, const std::string& key) {
  if (node.IsScalar()) return node.as<std::string>();
  if (node.IsNull()) return "";
  std::vector<std::string> items;
  if (node.IsSequence()) {
    for (const auto& item : node) items.push_back(item.as<std::string>());
  } else if (node.IsMap()) {
    for (const auto& item : node) items.push_back(item.first.as<std::string>() + ":" + item.second.as<std::string>());
  } else {
    throw ConfigError("config key " + key + ": unsupported value");
  }
  return join(items);
}

void apply_yaml(ServeConfig& config, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError("cannot read config file " + path + " (check the path given to --config)");
  } catch (const YAML::Exception& e) {
    throw ConfigError("config file " + path + ": " + e.what());
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError("config file " + path + ": expected a mapping of setting names to values");
  for (const auto& item : root) {
    std::string key = item.first.as<std::string>();
    if (key == "data_dir") key = "data";
    const Setting* setting = find_setting(key);
    if (!setting) {
      throw ConfigError("config file " + path + ": unknown setting \"" + key +
                        "\" (see ragscale serve --help for the list)");
    }
    try {
      apply(config, *setting, yaml_value_text(item.second, key), "config file " + path + ", " + key);
    } catch (const YAML::Exception& e) {
      throw ConfigError("config file " + path + ", " + key + ": " + e.what());
    }
  }
}

}  // namespace

ServeInvocation load_serve_config(int argc, char** argv, char** environment) {
  ServeInvocation invocation;
  std::map<std::string, std::string> env;
  for (char** entry = environment; entry && *entry; ++entry) {
    std::string text = *entry;
    auto equals = text.find('=');
    if (equals != std::string::npos && text.rfind("RAGSCALE_", 0) == 0) env[text.substr(0, equals)] = text.substr(equals + 1);
  }

  // Flags are read first but applied last, so they override the file and environment.
  std::vector<std::pair<const Setting*, std::string>> flags;
  std::string config_path = env.count("RAGSCALE_CONFIG") ? env["RAGSCALE_CONFIG"] : "";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      invocation.show_help = true;
      return invocation;
    }
    std::string value;
    bool has_value = false;
    if (auto equals = arg.find('='); equals != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
      has_value = true;
    }
    const Setting* setting = nullptr;
    if (arg != "--config") {
      for (const auto& candidate : settings()) {
        if (arg == flag_name(candidate.name)) setting = &candidate;
      }
      if (!setting) throw ConfigError("unknown flag " + arg + " (see ragscale serve --help)");
    }
    if (!has_value) {
      if (i + 1 >= argc) throw ConfigError("flag " + arg + " needs a value");
      value = argv[++i];
    }
    if (arg == "--config") config_path = value;
    else flags.emplace_back(setting, value);
  }

  ServeConfig& config = invocation.config;
  if (!config_path.empty()) apply_yaml(config, config_path);
  for (const auto& setting : settings()) {
    auto found = env.find(env_name(setting.name));
    if (found != env.end()) apply(config, setting, found->second, "environment variable " + found->first);
  }
  for (const auto& [setting, value] : flags) apply(config, *setting, value, "flag " + flag_name(setting->name));

  if (config.chunk_overlap >= config.chunk_size) {
    throw ConfigError("chunk_overlap (" + std::to_string(config.chunk_overlap) + ") must be smaller than chunk_size (" +
                      std::to_string(config.chunk_size) + ")");
  }
  if (config.embedder != "hashing" && config.embedder != "openai") {
    throw ConfigError("embedder must be \"hashing\" or \"openai\", got \"" + config.embedder + "\"");
  }
  if (!config.embed_url.empty()) config.embedder = "openai";
  if (config.embedder == "openai" && config.embed_url.empty()) {
    throw ConfigError("embedder openai needs --embed-url (an OpenAI-compatible base URL)");
  }
  if (!config.warm_file.empty() && !std::ifstream(config.warm_file)) {
    throw ConfigError("warm_file " + config.warm_file + " cannot be read (one question a line; check the path)");
  }
  if (!config.store.empty()) {
    std::string problem = pg::url_problem(config.store);
    if (!problem.empty()) throw ConfigError("store: " + problem);
  }
  if (config.store_timeout.count() <= 0) throw ConfigError("store_timeout must be longer than 0 ms");
  if (config.store_poll.count() <= 0) throw ConfigError("store_poll must be longer than 0 ms");
  if (config.llm_timeout.count() <= 0) throw ConfigError("llm_timeout must be longer than 0 ms");
  if (config.llm_limit_min > config.llm_limit_initial) {
    throw ConfigError("llm_limit_min (" + std::to_string(config.llm_limit_min) + ") must not exceed llm_limit_initial (" +
                      std::to_string(config.llm_limit_initial) + ")");
  }
  if (config.workers_limit_min > config.workers_limit) {
    throw ConfigError("workers_limit_min (" + std::to_string(config.workers_limit_min) +
                      ") must not exceed workers_limit (" + std::to_string(config.workers_limit) + ")");
  }
  if (config.workers == 0) config.workers = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  return invocation;
}

std::string describe(const ServeConfig& config) {
  std::string out = "effective configuration:\n";
  for (const auto& setting : settings()) {
    std::string value = setting.get(config);
    if (setting.secret && !value.empty() && std::string(setting.name) != "users") {
      // Show how many secrets there are and a hint of each, never the secret itself.
      std::vector<std::string> masked;
      for (const auto& item : split_list(value)) masked.push_back(item.substr(0, std::min<size_t>(2, item.size() / 4)) + "***");
      value = join(masked);
    }
    out += "  " + std::string(setting.name) + ": " + (value.empty() ? "\"\"" : value) + "\n";
  }
  return out;
}

std::string serve_help() {
  std::string out =
      "Usage: ragscale serve [--config FILE] [--port N] [--data DIR] [flags]\n"
      "\n"
      "Runs the RAG service: document upload and ingestion, hybrid retrieval (BM25 + HNSW),\n"
      "answers with citations, an in-process query cache, Prometheus metrics.\n"
      "\n"
      "Every setting can be given as a flag, as a key in the YAML file named by --config\n"
      "(or RAGSCALE_CONFIG), or as a RAGSCALE_<NAME> environment variable; flags override\n"
      "the environment, which overrides the file. Durations: 250ms, 10s, 1m30s. Sizes:\n"
      "65536, 64KB, 100MB.\n"
      "\n"
      "  --config FILE                 YAML file of settings (keys as below, e.g. chunk_size: 800)\n"
      "  --help                        this text\n";
  for (const auto& setting : settings()) {
    std::string left = "  " + flag_name(setting.name) + " " + setting.value_hint;
    if (left.size() < 32) left.resize(32, ' ');
    else left += "\n" + std::string(32, ' ');
    out += left + setting.help + " [" + env_name(setting.name) + "; default " +
           [&] {
             std::string value = setting.get(ServeConfig{});
             return value.empty() ? std::string("none") : value;
           }() +
           "]\n";
  }
  out +=
      "\n"
      "Auth: with api_keys or users set, every route except /health, /ready, /startup and\n"
      "/metrics needs X-API-Key: KEY or Authorization: Bearer KEY (or a /auth/login token).\n"
      "With neither set, auth is off; then, so that web pages of other sites cannot use the\n"
      "service through the operator's browser, POST and DELETE requests whose Origin or\n"
      "Referer names a host other than localhost, 127.x.x.x, [::1] or the listen address are\n"
      "refused with 403 (programs such as curl send neither and are not affected).\n"
      "Failed logins: 5 per user per minute, then 429 with Retry-After.\n";
  return out;
}

}  // namespace ragscale::serve
