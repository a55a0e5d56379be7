// `ragscale cluster up|status|scale|down`: a local cluster of the RAG service — N replicas
// of ragscale serve over a shared PostgreSQL and Redis, behind HAProxy, optionally with
// ragscale sim as the model — built from the real parts and kept by one keeper process
// (cluster/keeper.h). Everything lives under --dir: its record (cluster.json), logs, data.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "app/commands.h"
#include "cluster/cluster_spec.h"
#include "cluster/cluster_state.h"
#include "cluster/haproxy_admin.h"
#include "cluster/haproxy_config.h"
#include "cluster/keeper.h"
#include "cluster/postgres_instance.h"
#include "cluster/probes.h"
#include "cluster/process_spawn.h"
#include "common/argument_cursor.h"
#include "common/duration.h"
#include "common/json_fields.h"
#include "common/self_executable.h"

namespace ragscale {

namespace {

namespace fs = std::filesystem;
using namespace cluster;
using Clock = std::chrono::steady_clock;

constexpr const char* kClusterHelp = R"(Usage: ragscale cluster <up|status|scale|down> [options]

A local cluster of the RAG service built from the real parts: N replicas of ragscale serve
sharing a PostgreSQL (documents, chunks, embeddings; each replica's vector index kept
current from its change feed) and a Redis (the answer cache's shared level, the index
generation, rate limits), behind HAProxy (least connections, health checks on /ready,
retries on another replica), optionally with ragscale sim as the model. One keeper
process owns them all: it restarts what dies, drains replicas out of HAProxy before
stopping them, and stops everything on `down`. Ports, logs and data live under --dir.

  ragscale cluster up [--replicas N] [--port P] [--sim | --llm-url URL] [-- SERVE FLAGS]
  ragscale cluster status [--json]
  ragscale cluster scale N
  ragscale cluster down [--purge]

Options:
  --dir DIR            the cluster's folder (every subcommand) [./ragscale-cluster]
  --replicas N         replicas to start (up) [3]
  --max-replicas N     most replicas `scale` may reach: HAProxy's slots (up) [16]
  --port P             HAProxy's port (up); the cluster also uses P+1 (HAProxy's stats page
                       at / and Prometheus endpoint at /metrics), P+2 (PostgreSQL), P+3
                       (Redis), P+4 (the sim) and P+10 onwards (replica k on P+9+k) [8080]
  --sim                start ragscale sim as the replicas' model backend (up)
  --sim-arg ARG        a flag for the sim, e.g. --sim-arg=--max-concurrency=256 (repeatable)
  --llm-url URL        an OpenAI-compatible model backend for the replicas instead (up)
  --redis-memory SIZE  Redis's maxmemory, evicting least recently used keys (up) [256mb]
  -- FLAGS             everything after -- is given to every replica (ragscale serve's
                       flags, e.g. -- --llm-connections 8 --workers 2)
  --timeout DURATION   how long up and scale wait for the replicas to be ready [3m]
  --json               status (and the outcome of up, scale, down) as JSON on stdout
  --purge              down: also delete the cluster's data (PostgreSQL, Redis, logs)
  -h, --help           this text

Needs PostgreSQL's server (postgresql-15), redis-server and haproxy from Debian
(scripts/install-deps.sh --with-test-peers installs them). As root, PostgreSQL runs as the
postgres user, so the folders above --dir must be searchable by others.

Exit codes: 0 done, 1 the cluster could not do it (see the message and the logs under
DIR/logs), 2 bad input (flags, a port in use, a missing program, no cluster in DIR).
)";

struct Options {
  std::string action;
  ClusterSpec spec;
  int scale_to = 0;
  bool json = false;
  bool purge = false;
  std::chrono::milliseconds timeout{180000};
};

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument("ragscale cluster: " + message); }

int parse_count(std::string_view flag, std::string_view text) {
  try {
    size_t used = 0;
    int value = std::stoi(std::string(text), &used);
    if (used != text.size()) throw std::invalid_argument("");
    return value;
  } catch (const std::exception&) {
    bad(std::string(flag) + ": '" + std::string(text) + "' is not a whole number");
  }
}

Options parse(int argc, char** argv) {
  Options options;
  std::string dir = "ragscale-cluster";
  ArgumentCursor args(argc, argv, "cluster");
  bool after_separator = false;
  while (args.next()) {
    std::string_view flag = args.flag();
    if (after_separator) {
      options.spec.serve_args.emplace_back(args.current());
    } else if (flag == "--") {
      after_separator = true;
    } else if (flag == "--dir") {
      dir = args.value();
    } else if (flag == "--replicas") {
      options.spec.replicas = parse_count(flag, args.value());
    } else if (flag == "--max-replicas") {
      options.spec.max_replicas = parse_count(flag, args.value());
    } else if (flag == "--port") {
      options.spec.port = parse_count(flag, args.value());
    } else if (flag == "--sim") {
      options.spec.sim = true;
    } else if (flag == "--sim-arg") {
      options.spec.sim_args.emplace_back(args.value());
    } else if (flag == "--llm-url") {
      options.spec.llm_url = args.value();
    } else if (flag == "--redis-memory") {
      options.spec.redis_memory = args.value();
    } else if (flag == "--timeout") {
      auto parsed = try_parse_duration(args.value());
      if (!parsed || parsed->count() <= 0) bad("--timeout: not a duration (e.g. 90s, 3m)");
      options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
    } else if (flag == "--json") {
      options.json = true;
    } else if (flag == "--purge") {
      options.purge = true;
    } else if (!flag.empty() && flag[0] == '-') {
      bad("unknown option " + std::string(flag) + " (see ragscale cluster --help)");
    } else if (options.action.empty()) {
      options.action = flag;
    } else if (options.action == "scale" && options.scale_to == 0) {
      options.scale_to = parse_count("scale", flag);
      if (options.scale_to < 1) bad("scale: the replica count must be at least 1");
    } else {
      bad("unexpected argument '" + std::string(flag) + "' (see ragscale cluster --help)");
    }
  }
  if (options.action.empty()) bad("say what to do: up, status, scale N or down (see ragscale cluster --help)");
  if (options.action != "up" && options.action != "status" && options.action != "scale" && options.action != "down") {
    bad("unknown action '" + options.action + "'; the actions are up, status, scale and down");
  }
  if (options.action == "scale" && options.scale_to == 0) bad("scale needs the replica count: ragscale cluster scale N");
  if (options.action != "up" && !options.spec.serve_args.empty()) bad("serve flags after -- belong to cluster up");
  std::error_code error;
  fs::path absolute = fs::absolute(dir, error);
  options.spec.dir = absolute.lexically_normal().string();
  while (options.spec.dir.size() > 1 && options.spec.dir.back() == '/') options.spec.dir.pop_back();
  return options;
}

// What is missing or in the way before anything starts; empty when nothing.
std::string up_problem(const ClusterSpec& spec) {
  if (auto problem = spec_problem(spec); !problem.empty()) return problem;
  if (find_program("haproxy").empty()) return "haproxy is not installed (apt-get install haproxy)";
  if (find_program("redis-server").empty()) return "redis-server is not installed (apt-get install redis-server)";
  if (haproxy_socket_path(spec).size() >= 100) return "--dir is too long for HAProxy's admin socket; choose a shorter one";
  struct Port {
    int port;
    const char* what;
  };
  std::vector<Port> ports = {{spec.port, "HAProxy"}, {spec.stats_port(), "HAProxy's stats"},
                             {spec.postgres_port(), "PostgreSQL"}, {spec.redis_port(), "Redis"}};
  if (spec.sim) ports.push_back({spec.sim_port(), "the sim"});
  for (int slot = 1; slot <= spec.replicas; ++slot) ports.push_back({spec.replica_port(slot), "a replica"});
  for (const auto& [port, what] : ports) {
    if (!port_free(port)) {
      return "port " + std::to_string(port) + " (" + what + ") is in use by another program; choose another --port "
             "(the cluster uses --port to --port + " + std::to_string(10 + spec.max_replicas - 1) + ")";
    }
  }
  return {};
}

bool keeper_alive(const ClusterState& state) { return process_running(state.keeper_pid); }

int cluster_up(Options& options) {
  ClusterSpec& spec = options.spec;
  std::error_code error;
  fs::create_directories(spec.dir, error);
  if (error) bad("cannot create " + spec.dir + ": " + error.message());
  std::string why;
  if (auto state = read_state(spec.dir, why); state && keeper_alive(*state) && state->phase != "stopped") {
    bad("a cluster already runs in " + spec.dir + " (keeper pid " + std::to_string(state->keeper_pid) +
        "); see ragscale cluster status, or stop it with ragscale cluster down");
  }
  if (auto state = read_state(spec.dir, why); state && !keeper_alive(*state) && state->phase != "stopped" &&
                                               state->phase != "failed") {
    bad("the record in " + spec.dir + " says the cluster is " + state->phase +
        " but its keeper is gone; run ragscale cluster down --dir " + spec.dir + " first");
  }
  if (auto problem = up_problem(spec); !problem.empty()) bad(problem);
  if (auto problem = postgres_problem(spec); !problem.empty()) bad(problem);
  fs::create_directories(spec.path("logs"));
  ::unlink(scale_request_path(spec.dir).c_str());
  const std::string binary = self_executable();

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  pid_t keeper = ::fork();
  if (keeper < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (keeper == 0) {
    ::close(report[0]);
    ::setsid();  // out of the terminal's session: Ctrl-C and the shell's exit leave the cluster running
    const std::string log = spec.path("logs/keeper.log");
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    ::_exit(run_keeper(spec, binary, report[1]));
  }
  ::close(report[1]);
  // The keeper's progress until it says ok or error (or dies).
  const auto deadline = Clock::now() + options.timeout;
  std::string pending, outcome;
  char buffer[1024];
  while (outcome.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      outcome = "error: the cluster was not ready within the --timeout; see " + spec.path("logs");
      ::kill(keeper, SIGTERM);
      break;
    }
    pollfd descriptor{report[0], POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t n = ::read(report[0], buffer, sizeof buffer);
    if (n <= 0) {
      outcome = "error: the keeper ended before the cluster was up; see " + spec.path("logs/keeper.log");
      break;
    }
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (line == "ok" || line.rfind("error: ", 0) == 0) {
        outcome = line;
        break;
      }
      if (!options.json) std::printf("  %s\n", line.c_str());
    }
  }
  ::close(report[0]);
  ::waitpid(keeper, nullptr, WNOHANG);
  if (outcome != "ok") {
    std::fprintf(stderr, "ragscale cluster up: %s\n", outcome.substr(7).c_str());
    return 1;
  }
  if (options.json) {
    std::string ignored;
    auto state = read_state(spec.dir, ignored);
    std::cout << (state ? state_to_json(*state) : "{}\n");
  } else {
    std::printf("cluster up: %d replica%s behind %s (keeper pid %d); ragscale cluster status --dir %s\n",
                spec.replicas, spec.replicas == 1 ? "" : "s", spec.balancer_url().c_str(), keeper, spec.dir.c_str());
  }
  return 0;
}

ClusterState state_or_bad(const std::string& dir) {
  std::string why;
  auto state = read_state(dir, why);
  if (!state) bad(why);
  state->spec.dir = dir;
  return *state;
}

struct Health {
  bool running = false;
  std::string health;    // what the process's own probe says
  std::string balancer;  // replicas: HAProxy's view of its slot
  int sessions = -1;
};

Health health_of(const ClusterProcess& process, const std::map<int, SlotStatus>& slots) {
  Health health;
  health.running = process_running(process.pid);
  if (!health.running) {
    health.health = "down";
  } else if (process.role == "replica") {
    int status = http_status(process.port, "/ready");
    health.health = status == 200 ? "ready" : status == 0 ? "no answer" : "not ready (" + std::to_string(status) + ")";
  } else if (process.role == "sim") {
    health.health = http_status(process.port, "/health") == 200 ? "ok" : "no answer";
  } else if (process.role == "redis") {
    health.health = redis_answers(process.port) ? "ok" : "no answer";
  } else if (process.role == "balancer") {
    health.health = http_status(process.port, "/health") > 0 ? "ok" : "no answer";
  } else {
    health.health = port_free(process.port) ? "no answer" : "ok";
  }
  if (process.slot > 0) {
    auto slot = slots.find(process.slot);
    if (slot != slots.end()) {
      health.balancer = slot->second.status;
      health.sessions = slot->second.sessions;
    }
  }
  return health;
}

int cluster_status(const Options& options) {
  ClusterState state = state_or_bad(options.spec.dir);
  const bool keeper = keeper_alive(state);
  std::map<int, SlotStatus> slots;
  try {
    slots = HaproxyAdmin(haproxy_socket_path(state.spec), kBackend).slots();
  } catch (const std::exception&) {
  }
  std::vector<Health> healths;
  for (const auto& process : state.processes) healths.push_back(health_of(process, slots));
  int ready = 0;
  for (size_t i = 0; i < state.processes.size(); ++i) {
    ready += state.processes[i].role == "replica" && healths[i].health == "ready" ? 1 : 0;
  }
  if (options.json) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> json(buffer);
    json.StartObject();
    put_field(json, "dir", state.spec.dir);
    put_field(json, "phase", keeper || state.phase == "stopped" || state.phase == "failed" ? state.phase : "keeper gone");
    put_field(json, "message", state.message);
    put_field(json, "balancer_url", state.spec.balancer_url());
    put_field(json, "stats_url", state.spec.stats_url());
    put_field(json, "prometheus_url", state.spec.prometheus_url());
    put_field(json, "desired_replicas", state.desired_replicas);
    put_field(json, "ready_replicas", ready);
    json.Key("keeper");
    json.StartObject();
    put_field(json, "pid", static_cast<int64_t>(state.keeper_pid));
    put_field(json, "running", keeper);
    json.EndObject();
    json.Key("processes");
    json.StartArray();
    for (size_t i = 0; i < state.processes.size(); ++i) {
      const auto& process = state.processes[i];
      json.StartObject();
      put_field(json, "role", process.role);
      put_field(json, "name", process.name);
      put_field(json, "url", process.url);
      put_field(json, "port", process.port);
      put_field(json, "pid", static_cast<int64_t>(process.pid));
      put_field(json, "running", healths[i].running);
      put_field(json, "state", process.state);
      put_field(json, "health", healths[i].health);
      if (!healths[i].balancer.empty()) put_field(json, "balancer", healths[i].balancer);
      if (healths[i].sessions >= 0) put_field(json, "sessions", healths[i].sessions);
      put_field(json, "restarts", process.restarts);
      put_field(json, "log", process.log);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
    std::cout << buffer.GetString() << "\n";
    return 0;
  }
  std::printf("cluster in %s: %s%s; %d of %d replicas ready behind %s\n", state.spec.dir.c_str(), state.phase.c_str(),
              keeper || state.phase == "stopped" || state.phase == "failed" ? "" : " (its keeper is gone: run ragscale cluster down)", ready,
              state.desired_replicas, state.spec.balancer_url().c_str());
  if (!state.message.empty()) std::printf("  %s\n", state.message.c_str());
  std::printf("  HAProxy stats %s, Prometheus %s\n\n", state.spec.stats_url().c_str(),
              state.spec.prometheus_url().c_str());
  std::printf("  %-10s %-10s %-8s %-12s %-12s %-10s %s\n", "name", "role", "pid", "state", "health", "balancer", "url");
  for (size_t i = 0; i < state.processes.size(); ++i) {
    const auto& process = state.processes[i];
    std::printf("  %-10s %-10s %-8d %-12s %-12s %-10s %s\n", process.name.c_str(), process.role.c_str(),
                static_cast<int>(process.pid), process.state.c_str(), healths[i].health.c_str(),
                healths[i].balancer.empty() ? "-" : healths[i].balancer.c_str(), process.url.c_str());
  }
  return 0;
}

int cluster_scale(const Options& options) {
  ClusterState state = state_or_bad(options.spec.dir);
  if (!keeper_alive(state) || state.phase != "running") {
    bad("the cluster in " + options.spec.dir + " is not running (" + state.phase + "); start it with ragscale cluster up");
  }
  if (options.scale_to > state.spec.max_replicas) {
    bad("scale: at most " + std::to_string(state.spec.max_replicas) +
        " replicas (--max-replicas of cluster up, HAProxy's slots)");
  }
  ScaleRequest request{options.scale_to, state.applied_request + 1};
  if (auto previous = read_scale_request(options.spec.dir); previous && previous->id >= request.id) {
    request.id = previous->id + 1;
  }
  write_scale_request(options.spec.dir, request);
  ::kill(state.keeper_pid, SIGHUP);
  const auto deadline = Clock::now() + options.timeout;
  while (Clock::now() < deadline) {
    std::string why;
    auto now = read_state(options.spec.dir, why);
    if (now && now->applied_request >= request.id) {
      if (options.json) {
        std::printf("{\"replicas\": %d, \"request\": %llu, \"done\": true}\n", options.scale_to,
                    static_cast<unsigned long long>(request.id));
      } else {
        std::printf("cluster scaled to %d replica%s\n", options.scale_to, options.scale_to == 1 ? "" : "s");
      }
      return 0;
    }
    if (!keeper_alive(state)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string why, message;
  if (auto now = read_state(options.spec.dir, why); now && !now->message.empty()) message = " (" + now->message + ")";
  std::fprintf(stderr,
               "ragscale cluster scale: not done within the --timeout%s; the keeper keeps trying: see ragscale "
               "cluster status and %s\n",
               message.c_str(), options.spec.path("logs").c_str());
  return 1;
}

int cluster_down(const Options& options) {
  ClusterState state = state_or_bad(options.spec.dir);
  if (keeper_alive(state)) {
    ::kill(state.keeper_pid, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(90);
    while (keeper_alive(state) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (keeper_alive(state)) ::kill(state.keeper_pid, SIGKILL);
  }
  // Whatever the record still names (the keeper was killed, or gave up on it).
  std::string why;
  if (auto last = read_state(options.spec.dir, why)) state.processes = last->processes;
  int left = 0;
  for (const auto& process : state.processes) {
    if (process_running(process.pid)) {
      stop_process(process.pid, process.role == "postgres" ? SIGINT : SIGTERM, 10000);
      ++left;
    }
  }
  if (options.purge) {
    for (const char* name : {"postgres", "redis", "replicas", "haproxy", "logs", "cluster.json", "scale-request.json"}) {
      std::error_code ignored;
      fs::remove_all(options.spec.path(name), ignored);
    }
    std::error_code ignored;
    fs::remove(options.spec.dir, ignored);  // only when nothing else is in it
  }
  if (options.json) {
    std::printf("{\"stopped\": true, \"purged\": %s, \"stopped_after_the_keeper\": %d}\n",
                options.purge ? "true" : "false", left);
  } else {
    std::printf("cluster in %s stopped%s\n", options.spec.dir.c_str(), options.purge ? " and its data deleted" : " (data kept; --purge deletes it)");
  }
  return 0;
}

}  // namespace

int run_cluster_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kClusterHelp, stdout);
      return 0;
    }
  }
  try {
    Options options = parse(argc, argv);
    if (options.action == "up") return cluster_up(options);
    if (options.action == "status") return cluster_status(options);
    if (options.action == "scale") return cluster_scale(options);
    return cluster_down(options);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ragscale cluster: %s\n", e.what());
    return 1;
  }
}

}  // namespace ragscale
