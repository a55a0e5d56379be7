#include "cluster/keeper.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <list>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cluster/cluster_state.h"
#include "cluster/haproxy_admin.h"
#include "cluster/haproxy_config.h"
#include "cluster/postgres_instance.h"
#include "cluster/probes.h"
#include "cluster/process_spawn.h"
#include "load/segment/start_time.h"

namespace ragscale::cluster {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kTick{250};
constexpr milliseconds kReplicaStartLimit{120000};
constexpr milliseconds kDrainLimit{15000};
constexpr int kMaxBackoffMs = 30000;

SpawnOptions program(std::vector<std::string> argv, std::string log) {
  SpawnOptions options;
  options.argv = std::move(argv);
  options.log = std::move(log);
  return options;
}

struct Managed {
  ClusterProcess record;
  SpawnOptions spawn;
  std::function<bool()> ready;
  int stop_signal = SIGTERM;
  int stop_grace_ms = 10000;
  Clock::time_point started{};
  Clock::time_point drain_since{};
  Clock::time_point restart_at{};
  int backoff_ms = 500;
  bool leaving = false;    // drained or stopped on purpose: not started again
  bool in_balancer = false;
};

class Keeper {
 public:
  Keeper(ClusterSpec spec, std::string binary, int report_fd)
      : spec_(std::move(spec)), binary_(std::move(binary)), report_fd_(report_fd),
        admin_(haproxy_socket_path(spec_), kBackend) {
    state_.spec = spec_;
    state_.keeper_pid = ::getpid();
    state_.phase = "starting";
    state_.started_at = load::format_rfc3339(static_cast<double>(std::time(nullptr)));
    state_.desired_replicas = spec_.replicas;
  }

  void start();
  void run(int signals);
  void stop_all();
  void fail(const std::string& message) {
    state_.phase = "failed";
    state_.message = message;
    save();
  }
  void report(const std::string& line) {
    if (report_fd_ < 0) return;
    std::string text = line + "\n";
    (void)!::write(report_fd_, text.data(), text.size());
  }
  void finish_report() {
    if (report_fd_ >= 0) ::close(report_fd_);
    report_fd_ = -1;
  }

 private:
  Managed& add(const std::string& role, const std::string& name, int port, SpawnOptions spawn,
               std::function<bool()> ready);
  void launch(Managed& process);
  void wait_ready(Managed& process, milliseconds limit);
  Managed& add_replica(int slot);
  void on_child_exit(pid_t pid, int status);
  void tick();
  void reconcile();
  void admit(Managed& replica);
  void save();
  std::string log_path(const std::string& name) const { return spec_.path("logs/" + name + ".log"); }
  std::vector<Managed*> replicas(bool staying_only);

  ClusterSpec spec_;
  std::string binary_;
  int report_fd_;
  HaproxyAdmin admin_;
  ClusterState state_;
  std::list<Managed> processes_;  // a list: references stay valid as replicas come and go
  uint64_t pending_request_ = 0;
  Clock::time_point reconcile_again_at_{};  // a replica could not start: try again then
};

Managed& Keeper::add(const std::string& role, const std::string& name, int port, SpawnOptions spawn,
                     std::function<bool()> ready) {
  Managed process;
  process.record.role = role;
  process.record.name = name;
  process.record.port = port;
  process.record.log = spawn.log;
  process.spawn = std::move(spawn);
  process.ready = std::move(ready);
  processes_.push_back(std::move(process));
  return processes_.back();
}

void Keeper::launch(Managed& process) {
  if (!port_free(process.record.port)) {
    throw std::runtime_error("port " + std::to_string(process.record.port) + " (" + process.record.name +
                             ") is in use by another program; choose another --port");
  }
  process.record.pid = spawn_process(process.spawn);
  process.record.state = "starting";
  process.started = Clock::now();
  save();
}

void Keeper::wait_ready(Managed& process, milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(process.record.pid, &status, WNOHANG) == process.record.pid) {
      process.record.pid = 0;
      throw std::runtime_error(process.record.name + " exited at start; see " + process.record.log);
    }
    if (process.ready()) {
      process.record.state = "ready";
      save();
      return;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  throw std::runtime_error(process.record.name + " did not become ready within " +
                           std::to_string(limit.count() / 1000) + " s; see " + process.record.log);
}

Managed& Keeper::add_replica(int slot) {
  const std::string name = "replica-" + std::to_string(slot);
  const int port = spec_.replica_port(slot);
  const std::string data = spec_.path("replicas/" + name);
  fs::create_directories(data);
  SpawnOptions spawn;
  spawn.argv = {binary_, "serve", "--host", "127.0.0.1", "--port", std::to_string(port), "--data", data,
                "--store", spec_.store_url(), "--cache", spec_.cache_url()};
  if (!spec_.model_url().empty()) {
    spawn.argv.push_back("--llm-url");
    spawn.argv.push_back(spec_.model_url());
  }
  spawn.argv.insert(spawn.argv.end(), spec_.serve_args.begin(), spec_.serve_args.end());
  spawn.log = log_path(name);
  Managed& replica = add("replica", name, port, spawn, [port] { return http_status(port, "/ready") == 200; });
  replica.record.slot = slot;
  replica.record.url = "http://127.0.0.1:" + std::to_string(port);
  replica.stop_grace_ms = 20000;
  return replica;
}

std::vector<Managed*> Keeper::replicas(bool staying_only) {
  std::vector<Managed*> list;
  for (auto& process : processes_) {
    if (process.record.role == "replica" && !(staying_only && process.leaving)) list.push_back(&process);
  }
  return list;
}

void Keeper::admit(Managed& replica) {
  admin_.place(replica.record.slot, replica.record.port);
  admin_.set_state(replica.record.slot, "ready");
  replica.in_balancer = true;
  replica.record.state = "ready";
}

void Keeper::start() {
  fs::create_directories(spec_.path("logs"));
  fs::create_directories(spec_.path("haproxy"));
  fs::create_directories(spec_.path("redis"));
  fs::create_directories(spec_.path("replicas"));
  save();

  initialize_postgres(spec_, log_path("postgres"));
  SpawnOptions postgres{postgres_argv(spec_), log_path("postgres"), postgres_user(), spec_.path("postgres")};
  Managed& pg = add("postgres", "postgres", spec_.postgres_port(), postgres, [this] { return postgres_ready(spec_); });
  pg.record.url = spec_.store_url();
  pg.stop_signal = SIGINT;  // fast shutdown: open transactions roll back, then a clean checkpoint
  pg.stop_grace_ms = 30000;
  launch(pg);
  wait_ready(pg, milliseconds(60000));
  report("postgres ready on 127.0.0.1:" + std::to_string(spec_.postgres_port()));

  const int redis_port = spec_.redis_port();
  SpawnOptions redis = program({"redis-server", "--port", std::to_string(redis_port), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no", "--dir", spec_.path("redis"), "--maxmemory", spec_.redis_memory,
                      "--maxmemory-policy", "allkeys-lru", "--logfile", ""},
                     log_path("redis"));
  Managed& cache = add("redis", "redis", redis_port, redis, [redis_port] { return redis_answers(redis_port); });
  cache.record.url = spec_.cache_url();
  launch(cache);
  wait_ready(cache, milliseconds(20000));
  report("redis ready on 127.0.0.1:" + std::to_string(redis_port) + " (maxmemory " + spec_.redis_memory +
         ", allkeys-lru)");

  if (spec_.sim) {
    const int sim_port = spec_.sim_port();
    SpawnOptions sim = program({binary_, "sim", "--port", std::to_string(sim_port)}, log_path("sim"));
    sim.argv.insert(sim.argv.end(), spec_.sim_args.begin(), spec_.sim_args.end());
    Managed& model = add("sim", "sim", sim_port, sim, [sim_port] { return http_status(sim_port, "/health") == 200; });
    model.record.url = spec_.model_url();
    launch(model);
    wait_ready(model, milliseconds(20000));
    report("sim ready on 127.0.0.1:" + std::to_string(sim_port));
  }

  const std::string config = spec_.path("haproxy/haproxy.cfg");
  write_file_atomically(config, haproxy_config(spec_, haproxy_max_connections()));
  ::unlink(haproxy_socket_path(spec_).c_str());
  SpawnOptions haproxy = program({"haproxy", "-f", config, "-db"}, log_path("haproxy"));
  Managed& balancer = add("balancer", "haproxy", spec_.port, haproxy, [this] { return admin_.reachable(); });
  balancer.record.url = spec_.balancer_url();
  if (!port_free(spec_.stats_port())) {
    throw std::runtime_error("port " + std::to_string(spec_.stats_port()) +
                             " (HAProxy's stats) is in use; choose another --port");
  }
  launch(balancer);
  wait_ready(balancer, milliseconds(20000));
  report("haproxy balancing on " + spec_.balancer_url() + " (stats http://127.0.0.1:" +
         std::to_string(spec_.stats_port()) + "/)");

  for (int slot = 1; slot <= spec_.replicas; ++slot) launch(add_replica(slot));
  for (Managed* replica : replicas(true)) {
    wait_ready(*replica, kReplicaStartLimit);
    admit(*replica);
    report(replica->record.name + " ready on " + replica->record.url);
  }
  state_.phase = "running";
  state_.message.clear();
  save();
}

void Keeper::on_child_exit(pid_t pid, int status) {
  for (auto it = processes_.begin(); it != processes_.end(); ++it) {
    Managed& process = *it;
    if (process.record.pid != pid) continue;
    process.record.pid = 0;
    if (process.in_balancer) {
      try {
        admin_.set_state(process.record.slot, "maint");
      } catch (const std::exception&) {
      }
      process.in_balancer = false;
    }
    if (process.leaving) {
      processes_.erase(it);  // drained and stopped on purpose
    } else {
      const std::string how = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                                  : "exited with status " + std::to_string(WEXITSTATUS(status));
      std::fprintf(stderr, "keeper: %s %s; starting it again in %d ms\n", process.record.name.c_str(), how.c_str(),
                   process.backoff_ms);
      process.record.state = "restarting";
      process.restart_at = Clock::now() + milliseconds(process.backoff_ms);
      process.backoff_ms = std::min(process.backoff_ms * 2, kMaxBackoffMs);
    }
    save();
    return;
  }
}

void Keeper::reconcile() {
  auto staying = replicas(true);
  int count = static_cast<int>(staying.size());
  while (count < state_.desired_replicas) {
    int slot = 1;
    for (;; ++slot) {
      bool used = false;
      for (Managed* replica : replicas(false)) used = used || replica->record.slot == slot;
      if (!used) break;
    }
    Managed& replica = add_replica(slot);
    try {
      launch(replica);
    } catch (const std::exception& e) {
      state_.message = e.what();
      processes_.pop_back();
      reconcile_again_at_ = Clock::now() + std::chrono::seconds(2);
      save();
      return;
    }
    ++count;
  }
  if (count > state_.desired_replicas) {
    std::sort(staying.begin(), staying.end(), [](Managed* a, Managed* b) { return a->record.slot > b->record.slot; });
    for (int i = 0; i < count - state_.desired_replicas; ++i) {
      Managed& replica = *staying[i];
      replica.leaving = true;
      replica.record.state = "draining";
      replica.drain_since = Clock::now();
      if (replica.in_balancer) {
        try {
          admin_.set_state(replica.record.slot, "drain");  // no new requests; those it has finish
        } catch (const std::exception&) {
        }
      }
      if (replica.record.pid == 0) replica.drain_since = {};  // not running: nothing to drain
    }
  }
  save();
}

void Keeper::tick() {
  const auto now = Clock::now();
  bool changed = false;
  std::map<int, SlotStatus> slots;
  bool have_slots = false;
  for (auto it = processes_.begin(); it != processes_.end();) {
    Managed& process = *it;
    if (process.leaving) {
      if (process.record.pid == 0) {
        it = processes_.erase(it);
        changed = true;
        continue;
      }
      if (process.record.state == "draining") {
        if (!have_slots) {
          try {
            slots = admin_.slots();
          } catch (const std::exception&) {
          }
          have_slots = true;
        }
        auto slot = slots.find(process.record.slot);
        bool idle = slot == slots.end() || slot->second.sessions == 0;
        if (idle || now - process.drain_since > kDrainLimit) {
          if (process.in_balancer) {
            try {
              admin_.set_state(process.record.slot, "maint");
            } catch (const std::exception&) {
            }
            process.in_balancer = false;
          }
          ::kill(process.record.pid, SIGTERM);  // serve finishes what it has within its grace
          process.record.state = "stopping";
          changed = true;
        }
      }
      ++it;
      continue;
    }
    ++it;
    if (process.record.state == "restarting" && now >= process.restart_at) {
      try {
        launch(process);
        ++process.record.restarts;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "keeper: cannot start %s again: %s\n", process.record.name.c_str(), e.what());
        process.restart_at = now + milliseconds(process.backoff_ms);
      }
      changed = true;
    } else if (process.record.state == "starting" && process.record.pid > 0) {
      if (process.ready()) {
        process.record.state = "ready";
        process.backoff_ms = 500;
        if (process.record.role == "replica") {
          try {
            admit(process);
          } catch (const std::exception& e) {
            process.record.state = "starting";  // HAProxy not there yet: try at the next tick
          }
        } else if (process.record.role == "balancer") {
          for (Managed* replica : replicas(true)) {  // a new HAProxy knows no replicas
            replica->in_balancer = false;
            if (replica->record.state == "ready") {
              try {
                admit(*replica);
              } catch (const std::exception&) {
              }
            }
          }
        }
        changed = true;
      } else if (process.record.role == "replica" && now - process.started > kReplicaStartLimit) {
        ::kill(process.record.pid, SIGKILL);  // hung at start: the exit starts it again
      }
    }
  }
  if (reconcile_again_at_ != Clock::time_point{} && now >= reconcile_again_at_) {
    reconcile_again_at_ = {};
    reconcile();
  }
  if (pending_request_ > state_.applied_request) {
    auto staying = replicas(true);
    bool settled = static_cast<int>(staying.size()) == state_.desired_replicas &&
                   std::all_of(staying.begin(), staying.end(), [](Managed* r) { return r->record.state == "ready"; }) &&
                   replicas(false).size() == staying.size();
    if (settled) {
      state_.applied_request = pending_request_;
      state_.message.clear();
      changed = true;
    }
  }
  if (changed) save();
}

void Keeper::run(int signals) {
  for (;;) {
    pollfd descriptor{signals, POLLIN, 0};
    int ready = ::poll(&descriptor, 1, static_cast<int>(kTick.count()));
    if (ready > 0) {
      signalfd_siginfo info{};
      while (::read(signals, &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) return;
        if (info.ssi_signo == SIGHUP) {
          auto request = read_scale_request(spec_.dir);
          if (request && request->id > state_.applied_request && request->replicas >= 1 &&
              request->replicas <= spec_.max_replicas) {
            state_.desired_replicas = request->replicas;
            pending_request_ = request->id;
            state_.message = "scaling to " + std::to_string(request->replicas) + " replicas";
            reconcile();
          }
        }
      }
    }
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) on_child_exit(pid, status);
    tick();
  }
}

void Keeper::stop_all() {
  state_.phase = "stopping";
  save();
  // Replicas first (each finishes its requests within its grace), then the balancer, the
  // model, the cache and last the store they all write to.
  for (Managed* replica : replicas(false)) {
    replica->leaving = true;
    if (replica->record.pid > 0) ::kill(replica->record.pid, SIGTERM);
  }
  for (Managed* replica : replicas(false)) {
    if (replica->record.pid > 0) stop_process(replica->record.pid, 0, replica->stop_grace_ms);  // signalled above
    replica->record.pid = 0;
    replica->record.state = "stopped";
  }
  for (const char* role : {"balancer", "sim", "redis", "postgres"}) {
    for (auto& process : processes_) {
      if (process.record.role != role) continue;
      process.leaving = true;
      if (process.record.pid > 0) stop_process(process.record.pid, process.stop_signal, process.stop_grace_ms);
      process.record.pid = 0;
      process.record.state = "stopped";
    }
  }
  // Anything orphaned to us (we are a subreaper) is reaped before we go.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
    if (pid < 0 && errno == ECHILD) break;
    if (pid == 0) std::this_thread::sleep_for(milliseconds(20));
  }
  state_.phase = "stopped";
  save();
}

void Keeper::save() {
  state_.processes.clear();
  for (const auto& process : processes_) state_.processes.push_back(process.record);
  try {
    write_state(state_);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keeper: %s\n", e.what());
  }
}

}  // namespace

int run_keeper(const ClusterSpec& spec, const std::string& binary, int report_fd) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::signal(SIGPIPE, SIG_IGN);  // the reader of report_fd may be gone
  sigset_t handled;
  sigemptyset(&handled);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&handled, signal);
  ::sigprocmask(SIG_BLOCK, &handled, nullptr);
  int signals = ::signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
  Keeper keeper(spec, binary, report_fd);
  try {
    keeper.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keeper: the cluster did not start: %s\n", e.what());
    keeper.report(std::string("error: ") + e.what());
    keeper.finish_report();
    keeper.stop_all();
    keeper.fail(e.what());
    return 1;
  }
  keeper.report("ok");
  keeper.finish_report();
  keeper.run(signals);
  keeper.stop_all();
  return 0;
}

}  // namespace ragscale::cluster
