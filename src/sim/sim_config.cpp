#include "sim/sim_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <vector>

#include "common/duration.h"

namespace ragscale::sim {

namespace {

struct Option {
  const char* name;     // the flag without "--"
  const char* metavar;  // what the value looks like
  const char* help;
  std::function<void(SimConfig&, const std::string&)> apply;
  std::function<std::string(const SimConfig&)> show;  // the current value, for --help defaults
  bool repeatable = false;
};

[[noreturn]] void reject(std::string_view what, const std::string& why) {
  throw std::invalid_argument(std::string(what) + ": " + why);
}

uint64_t parse_whole(std::string_view what, const std::string& text, uint64_t max) {
  char* end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || end != text.c_str() + text.size() || errno != 0 || value > max) {
    reject(what, "'" + text + "' is not a whole number between 0 and " + std::to_string(max));
  }
  return value;
}

Distribution parse_duration_distribution(std::string_view what, const std::string& text) {
  try {
    return parse_distribution(text, DistributionUnit::kDuration);
  } catch (const std::invalid_argument& e) {
    reject(what, e.what());
  }
}

std::string show_duration(std::chrono::microseconds d) { return format_duration(d); }

std::string show_outages(const SimConfig& config) {
  if (config.faults.outages.empty()) return "none";
  std::string out;
  for (const auto& window : config.faults.outages) {
    if (!out.empty()) out += ", ";
    out += format_duration(window.start) + "+" + format_duration(window.duration);
  }
  return out;
}

// A flag whose value is a duration (500ms, 10s, 2m) stored in `field`.
Option duration_option(const char* name, const char* help, std::chrono::milliseconds SimConfig::*field) {
  return {name, "DURATION", help,
          [name, field](SimConfig& c, const std::string& v) {
            std::string error;
            auto d = try_parse_duration(v, &error);
            if (!d) reject(std::string("--") + name, error);
            if (*d <= std::chrono::microseconds::zero()) reject(std::string("--") + name, "must be positive");
            c.*field = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
          },
          [field](const SimConfig& c) {
            return show_duration(std::chrono::duration_cast<std::chrono::microseconds>(c.*field));
          }};
}

const std::vector<Option>& options() {
  static const std::vector<Option> table = {
      {"host", "ADDRESS", "address to listen on",
       [](SimConfig& c, const std::string& v) {
         if (v.empty()) reject("--host", "must not be empty");
         c.host = v;
       },
       [](const SimConfig& c) { return c.host; }},
      {"port", "N", "port to listen on (0 picks a free one; the startup line names it)",
       [](SimConfig& c, const std::string& v) { c.port = static_cast<uint16_t>(parse_whole("--port", v, 65535)); },
       [](const SimConfig& c) { return std::to_string(c.port); }},
      {"ttft", "DIST", "time to first token once a generation slot is free",
       [](SimConfig& c, const std::string& v) { c.time_to_first_token = parse_duration_distribution("--ttft", v); },
       [](const SimConfig& c) { return format_distribution(c.time_to_first_token, DistributionUnit::kDuration); }},
      {"itl", "DIST", "inter-token latency: time between streamed tokens",
       [](SimConfig& c, const std::string& v) { c.inter_token_latency = parse_duration_distribution("--itl", v); },
       [](const SimConfig& c) { return format_distribution(c.inter_token_latency, DistributionUnit::kDuration); }},
      {"output-tokens", "DIST", "answer length in tokens (a count distribution), capped by the request's max_tokens",
       [](SimConfig& c, const std::string& v) {
         try {
           c.output_tokens = parse_distribution(v, DistributionUnit::kCount);
         } catch (const std::invalid_argument& e) {
           reject("--output-tokens", e.what());
         }
       },
       [](const SimConfig& c) { return format_distribution(c.output_tokens, DistributionUnit::kCount); }},
      {"max-concurrency", "N", "generation slots: answers generated at once; others queue (0: unlimited)",
       [](SimConfig& c, const std::string& v) { c.max_concurrency = parse_whole("--max-concurrency", v, 10000000); },
       [](const SimConfig& c) { return std::to_string(c.max_concurrency); }},
      {"max-queue", "N", "requests that may wait for a slot; beyond it 503 with Retry-After (0: unbounded)",
       [](SimConfig& c, const std::string& v) { c.max_queue = parse_whole("--max-queue", v, 100000000); },
       [](const SimConfig& c) { return std::to_string(c.max_queue); }},
      {"embedding-latency", "DIST", "time to answer an embeddings request, plus the per-token part",
       [](SimConfig& c, const std::string& v) {
         c.embedding_latency = parse_duration_distribution("--embedding-latency", v);
       },
       [](const SimConfig& c) { return format_distribution(c.embedding_latency, DistributionUnit::kDuration); }},
      {"embedding-latency-per-token", "DURATION", "extra embeddings latency per input token",
       [](SimConfig& c, const std::string& v) {
         std::string error;
         auto d = try_parse_duration(v, &error);
         if (!d) reject("--embedding-latency-per-token", error);
         c.embedding_latency_per_token = *d;
       },
       [](const SimConfig& c) { return show_duration(c.embedding_latency_per_token); }},
      {"embedding-dimensions", "N", "length of every embedding vector",
       [](SimConfig& c, const std::string& v) {
         c.embedding_dimensions = parse_whole("--embedding-dimensions", v, 65536);
         if (c.embedding_dimensions == 0) reject("--embedding-dimensions", "must be at least 1");
       },
       [](const SimConfig& c) { return std::to_string(c.embedding_dimensions); }},
      {"seed", "N", "seed for every random choice (timing, lengths, faults, answers)",
       [](SimConfig& c, const std::string& v) { c.seed = parse_whole("--seed", v, UINT64_MAX); },
       [](const SimConfig& c) { return std::to_string(c.seed); }},
      {"rpm", "N", "requests per minute per API key, then 429 with Retry-After (0: unlimited)",
       [](SimConfig& c, const std::string& v) { c.requests_per_minute = parse_whole("--rpm", v, 1000000000); },
       [](const SimConfig& c) { return std::to_string(c.requests_per_minute); }},
      {"tpm", "N", "tokens (prompt + max output) per minute per API key (0: unlimited)",
       [](SimConfig& c, const std::string& v) { c.tokens_per_minute = parse_whole("--tpm", v, 1000000000000); },
       [](const SimConfig& c) { return std::to_string(c.tokens_per_minute); }},
      {"model", "NAME", "chat/completions model listed by /v1/models (requests may name any model)",
       [](SimConfig& c, const std::string& v) {
         if (v.empty()) reject("--model", "must not be empty");
         c.model = v;
       },
       [](const SimConfig& c) { return c.model; }},
      {"embedding-model", "NAME", "embeddings model listed by /v1/models",
       [](SimConfig& c, const std::string& v) {
         if (v.empty()) reject("--embedding-model", "must not be empty");
         c.embedding_model = v;
       },
       [](const SimConfig& c) { return c.embedding_model; }},
      {"error-rate", "RATE", "share of requests answered with --error-status (0..1)",
       [](SimConfig& c, const std::string& v) { c.faults.error_rate = parse_rate("--error-rate", v); },
       [](const SimConfig& c) { return std::to_string(c.faults.error_rate).substr(0, 4); }},
      {"error-status", "STATUS", "status of injected errors (400-599)",
       [](SimConfig& c, const std::string& v) { c.faults.error_status = parse_error_status("--error-status", v); },
       [](const SimConfig& c) { return std::to_string(c.faults.error_status); }},
      {"timeout-rate", "RATE", "share of requests accepted and never answered (0..1)",
       [](SimConfig& c, const std::string& v) { c.faults.timeout_rate = parse_rate("--timeout-rate", v); },
       [](const SimConfig& c) { return std::to_string(c.faults.timeout_rate).substr(0, 4); }},
      {"reset-rate", "RATE", "share of answers cut by a connection reset part-way (0..1)",
       [](SimConfig& c, const std::string& v) { c.faults.reset_rate = parse_rate("--reset-rate", v); },
       [](const SimConfig& c) { return std::to_string(c.faults.reset_rate).substr(0, 4); }},
      {"slow-rate", "RATE", "share of requests delayed by --slow-delay before the first token (0..1)",
       [](SimConfig& c, const std::string& v) { c.faults.slow_rate = parse_rate("--slow-rate", v); },
       [](const SimConfig& c) { return std::to_string(c.faults.slow_rate).substr(0, 4); }},
      {"slow-delay", "DIST", "extra delay of slow requests",
       [](SimConfig& c, const std::string& v) { c.faults.slow_delay = parse_duration_distribution("--slow-delay", v); },
       [](const SimConfig& c) { return format_distribution(c.faults.slow_delay, DistributionUnit::kDuration); }},
      {"outage", "START+DURATION", "an outage window after start, e.g. 30s+10s (repeatable)",
       [](SimConfig& c, const std::string& v) { c.faults.outages.push_back(parse_outage("--outage", v)); },
       show_outages, true},
      {"outage-status", "STATUS", "status answered during outages (400-599)",
       [](SimConfig& c, const std::string& v) { c.faults.outage_status = parse_error_status("--outage-status", v); },
       [](const SimConfig& c) { return std::to_string(c.faults.outage_status); }},
      {"max-connections", "N", "open connections accepted; more get 503 at once",
       [](SimConfig& c, const std::string& v) {
         c.max_connections = parse_whole("--max-connections", v, 10000000);
         if (c.max_connections == 0) reject("--max-connections", "must be at least 1");
       },
       [](const SimConfig& c) { return std::to_string(c.max_connections); }},
      {"max-body-bytes", "N", "largest request body accepted (413 beyond)",
       [](SimConfig& c, const std::string& v) {
         c.max_body_bytes = parse_whole("--max-body-bytes", v, 1ULL << 32);
         if (c.max_body_bytes == 0) reject("--max-body-bytes", "must be at least 1");
       },
       [](const SimConfig& c) { return std::to_string(c.max_body_bytes); }},
      duration_option("header-timeout", "time allowed to receive a request head", &SimConfig::header_timeout),
      duration_option("body-timeout", "time allowed to receive a request body", &SimConfig::body_timeout),
      duration_option("shutdown-grace", "on SIGINT/SIGTERM, time in-flight answers get to finish",
                      &SimConfig::shutdown_grace),
  };
  return table;
}

const Option* find_option(std::string_view name) {
  for (const auto& option : options()) {
    if (name == option.name) return &option;
  }
  return nullptr;
}

std::string normalized_key(std::string key) {
  for (char& c : key) {
    if (c == '_') c = '-';
  }
  return key;
}

}  // namespace

void apply_sim_config_file(const std::string& path, SimConfig& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw std::invalid_argument("config " + path + ": cannot read the file (check the path and permissions)");
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument("config " + path + " line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw std::invalid_argument("config " + path + ": the file must be a map of settings, e.g. 'ttft: 300ms'");
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    std::string where = "config " + path + " line " + std::to_string(entry.first.Mark().line + 1) + ": '" + key + "'";
    std::string name = normalized_key(key);
    const Option* option = name == "config" ? nullptr : find_option(name);
    if (option == nullptr) throw std::invalid_argument(where + " is not a setting; see ragscale sim --help for the names");
    try {
      const YAML::Node& value = entry.second;
      if (value.IsScalar()) {
        option->apply(config, value.as<std::string>());
      } else if (value.IsSequence() && option->repeatable) {
        for (const auto& item : value) {
          if (!item.IsScalar()) throw std::invalid_argument("each item must be a single value");
          option->apply(config, item.as<std::string>());
        }
      } else {
        throw std::invalid_argument(option->repeatable ? "must be a value or a list of values" : "must be a single value");
      }
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
  }
}

CommandLineOutcome parse_sim_command_line(int argc, char** argv, SimConfig& config) {
  struct Given {
    const Option* option;
    std::string value;
  };
  std::vector<Given> given;
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return CommandLineOutcome::kHelp;
    if (arg.rfind("--", 0) != 0) {
      throw std::invalid_argument("unexpected argument '" + arg + "'; every setting is a flag (see ragscale sim --help)");
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    if (!value) {
      if (i + 1 >= argc) throw std::invalid_argument("--" + name + " needs a value (see ragscale sim --help)");
      value = argv[++i];
    }
    if (name == "config") {
      config_path = *value;
      continue;
    }
    const Option* option = find_option(name);
    if (option == nullptr) throw std::invalid_argument("unknown flag '--" + name + "' (see ragscale sim --help)");
    given.push_back({option, *value});
  }
  if (!config_path.empty()) apply_sim_config_file(config_path, config);
  for (const auto& [option, value] : given) option->apply(config, value);
  return CommandLineOutcome::kRun;
}

std::string sim_help_text() {
  SimConfig defaults;
  std::string out =
      "ragscale sim - an OpenAI-compatible LLM and embedding backend with realistic timing, rate limits and faults\n\n"
      "Usage: ragscale sim [--config FILE] [flags]\n"
      "Example: ragscale sim --port 8001 --ttft 300ms --itl 30ms --max-concurrency 8 --rpm 500\n\n"
      "Endpoints: POST /v1/chat/completions, POST /v1/completions (\"stream\": true for Server-Sent Events),\n"
      "  POST /v1/embeddings, GET /v1/models, GET /health, GET /metrics (Prometheus),\n"
      "  GET/POST /admin/faults (JSON with the fault keys below, e.g. {\"error_rate\": 1.0, \"error_status\": 503};\n"
      "  {} heals; outages there start relative to the POST, e.g. {\"outages\": [{\"start\": \"0s\", \"duration\": \"10s\"}]}).\n\n"
      "DIST is a duration or count distribution: 300ms, uniform(200ms, 400ms), normal(300ms, 50ms),\n"
      "  lognormal(300ms, 100ms) (mean and standard deviation of the samples).\n"
      "API keys come from 'Authorization: Bearer KEY'; requests without one share a key.\n\n"
      "Flags (default in brackets):\n"
      "  --config FILE                       YAML file with any setting below as a key (e.g. 'max_concurrency: 8';\n"
      "                                      outage takes a list); flags on the command line win\n";
  for (const auto& option : options()) {
    std::string left = std::string("  --") + option.name + " " + option.metavar;
    if (left.size() < 38) left.resize(38, ' ');
    else left += "\n" + std::string(38, ' ');
    out += left + option.help + " [" + option.show(defaults) + "]\n";
  }
  out += "\nSIGINT or SIGTERM stops it gracefully: no new connections, answers in flight finish within --shutdown-grace.\n";
  return out;
}

}  // namespace ragscale::sim
