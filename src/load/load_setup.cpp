#include "load/load_setup.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

#include "load/llm/openai_scenario.h"
#include "load/scenario/wait_time.h"

namespace ragscale::load {

namespace {

// `--openai URL --model NAME`: the chat-completions scenario (load/llm/openai_scenario.h).
scenario::Scenario build_openai_scenario(const LoadOptions& options, uint64_t seed) {
  if (options.scenario_file) {
    throw std::invalid_argument("ragscale load: --openai and -f both name what to send; give one of them");
  }
  if (options.url || options.host) {
    throw std::invalid_argument("ragscale load: --openai takes the target itself; drop the extra URL/--host");
  }
  if (!options.model || options.model->empty()) {
    throw std::invalid_argument("ragscale load: --openai needs --model NAME (the model the endpoint serves, "
                                "e.g. --model ragscale-sim)");
  }
  if (options.prompts_file && options.input_tokens) {
    throw std::invalid_argument("ragscale load: --prompts and --input-tokens both choose the prompts; give one");
  }
  llm::OpenAiSettings settings;
  settings.url = *options.openai_url;
  settings.model = *options.model;
  settings.max_tokens = options.max_tokens;
  settings.stream = !options.no_stream;
  if (options.request_timeout) settings.timeout = *options.request_timeout;
  if (options.prompts_file) {
    settings.prompts = llm::load_prompt_file(*options.prompts_file);
  } else {
    try {
      settings.prompts = llm::synthetic_prompts(options.input_tokens.value_or("128"), 512, seed);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("ragscale load: --input-tokens: " + std::string(error.what()));
    }
  }
  const std::string key_env = options.api_key_env.value_or("OPENAI_API_KEY");
  if (const char* key = std::getenv(key_env.c_str()); key != nullptr && *key != '\0') {
    settings.api_key = key;
  } else if (options.api_key_env) {
    throw std::invalid_argument("ragscale load: --api-key-env " + key_env +
                                ": that environment variable is not set; export it or drop the flag");
  }
  try {
    return llm::openai_scenario(settings);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument("ragscale load: --openai " + settings.url + ": " + error.what());
  }
}

// Flags that only mean something with --openai.
void check_openai_flags(const LoadOptions& options) {
  if (options.openai_url) return;
  const char* flag = options.model ? "--model" : options.prompts_file ? "--prompts" : options.input_tokens ? "--input-tokens"
                   : options.max_tokens ? "--max-tokens" : options.no_stream ? "--no-stream"
                   : options.api_key_env ? "--api-key-env" : nullptr;
  if (flag != nullptr) {
    throw std::invalid_argument(std::string("ragscale load: ") + flag +
                                " belongs to the OpenAI mode; add --openai URL (or put the request in a scenario file)");
  }
}

}  // namespace

output::RunOutputPaths run_output_paths(const LoadOptions& options) {
  output::RunOutputPaths paths;
  paths.csv_prefix = options.csv_prefix;
  paths.csv_full_history = options.csv_full_history;
  paths.csv_precise = options.csv_precise;
  paths.json_file = options.json_file;
  paths.html_file = options.html_file;
  return paths;
}

int available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

scenario::Scenario build_scenario(const LoadOptions& options, uint64_t seed) {
  check_openai_flags(options);
  if (options.openai_url) return build_openai_scenario(options, seed);
  if (options.scenario_file) {
    scenario::Scenario scenario = scenario::load_scenario_file(*options.scenario_file);
    // -H or the positional URL point the file's users elsewhere (Locust's --host).
    const std::optional<std::string>& override_url = options.host ? options.host : options.url;
    if (override_url) {
      scenario::TargetUrl override_target = scenario::parse_target_url(*override_url);
      if (override_target.base_path != "/" && override_target.base_path != "") {
        throw std::invalid_argument("ragscale load: --host " + *override_url +
                                    ": a host given with -f cannot carry a path; put the path in the file's host");
      }
      for (auto& user_class : scenario.users) {
        if (!user_class.target || user_class.target->origin() == (scenario.host ? scenario.host->origin() : "")) {
          scenario::TargetUrl target = override_target;
          if (user_class.target) target.base_path = user_class.target->base_path;
          user_class.target = target;
        }
      }
      scenario.host = override_target;
    }
    return scenario;
  }
  const std::optional<std::string>& url = options.url ? options.url : options.host;
  if (!url) {
    throw std::invalid_argument(
        "ragscale load: no target; give a URL (ragscale load http://127.0.0.1:8080/) or a scenario (-f FILE)");
  }
  scenario::WaitSpec wait;
  if (options.wait) wait = scenario::parse_wait_range(*options.wait);
  scenario::Scenario scenario = scenario::quick_scenario(*url, wait);
  scenario::RequestSpec& request = scenario.users[0].tasks[0].steps[0];
  request.method = options.method;
  for (const auto& [name, value] : options.headers) {
    request.headers.push_back(scenario::HeaderSpec{name, scenario::Template::literal(value)});
  }
  if (options.body) {
    request.body = scenario::Template::literal(*options.body);
    request.has_body = true;
  }
  if (options.request_timeout) request.timeout = *options.request_timeout;
  return scenario;
}

std::vector<ResolvedTarget> resolve_targets(const scenario::Scenario& scenario, const LoadOptions& options) {
  std::vector<net::SocketAddress> local_addresses;
  if (options.local_ips) local_addresses = net::parse_local_addresses(*options.local_ips);
  std::map<std::string, std::shared_ptr<net::SourceAddressPool>> pools;
  std::vector<ResolvedTarget> targets;
  for (const auto& user_class : scenario.users) {
    const std::optional<scenario::TargetUrl>& url = user_class.target ? user_class.target : scenario.host;
    if (!url) {
      throw std::invalid_argument("ragscale load: user class '" + user_class.name +
                                  "' has no host; set host: in the file or pass -H URL");
    }
    ResolvedTarget target;
    target.address = net::resolve(url->host, url->port);
    target.host_header = url->host_header();
    target.tls = url->tls();
    target.tls_server_name = url->host;
    auto& pool = pools[target.address.to_string()];
    if (!pool) pool = std::make_shared<net::SourceAddressPool>(target.address, local_addresses);
    target.sources = pool;
    targets.push_back(std::move(target));
  }
  return targets;
}

net::TlsOptions tls_options(const LoadOptions& options) {
  net::TlsOptions tls;
  tls.verify = !options.insecure;
  tls.ca_file = options.ca_file.value_or("");
  return tls;
}

bool any_tls(const std::vector<ResolvedTarget>& targets) {
  return std::any_of(targets.begin(), targets.end(), [](const ResolvedTarget& target) { return target.tls; });
}

// "verified against the system trust store", for the run's settings.
std::string describe_tls(const net::TlsOptions& tls) {
  if (!tls.verify) return "certificates not verified (--insecure)";
  return tls.ca_file.empty() ? "certificates verified against the system trust store"
                             : "certificates verified against " + tls.ca_file;
}

output::RunInfo make_run_info(const scenario::Scenario& scenario, const LoadPlan& plan, int threads,
                              const LoadOptions& options) {
  output::RunInfo info;
  info.host = scenario.host ? scenario.host->origin() : "";
  info.coordinated_omission_corrected = plan.model == LoadPlan::Model::kOpen;
  info.settings.emplace_back("model", plan.model == LoadPlan::Model::kOpen ? "open" : "closed");
  info.settings.emplace_back("shape", plan.describe());
  if (options.scenario_file) info.settings.emplace_back("scenario", *options.scenario_file);
  if (options.openai_url) info.settings.emplace_back("openai", *options.openai_url + " (model " + *options.model + ")");
  std::string slos;
  for (const auto& slo : options.slos) slos += (slos.empty() ? "" : ", ") + slo;
  if (!slos.empty()) info.settings.emplace_back("slo", slos);
  info.settings.emplace_back("threads", std::to_string(threads));
  std::string classes;
  for (const auto& user_class : scenario.users) {
    if (!classes.empty()) classes += ", ";
    classes += user_class.name + " (" + user_class.wait.describe() + ")";
  }
  info.settings.emplace_back("user classes", classes);
  return info;
}

// Refuses an output path whose folder is missing or read-only now, not after the run.
void check_output_path(const std::string& flag, const std::string& path) {
  std::string folder = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  if (folder.empty()) folder = "/";
  if (::access(folder.c_str(), W_OK) != 0) {
    throw std::invalid_argument(flag + " " + path + ": cannot write into '" + folder + "' (" + std::strerror(errno) +
                                "); create the folder or choose another path");
  }
}

int run_threads(const LoadOptions& options, const LoadPlan& plan) {
  int threads = options.threads.value_or(available_cpus());
  if (plan.model == LoadPlan::Model::kClosed) {
    threads = std::max(1, std::min<int>(threads, static_cast<int>(std::ceil(plan.users.peak()))));
  }
  return threads;
}

}  // namespace ragscale::load
