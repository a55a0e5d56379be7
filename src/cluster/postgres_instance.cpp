#include "cluster/postgres_instance.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "cluster/process_spawn.h"
#include "serve/storage/postgres.h"

namespace ragscale::cluster {

namespace fs = std::filesystem;

namespace {

std::string data_dir(const ClusterSpec& spec) { return spec.path("postgres/data"); }

void give_to(const std::string& path, const std::string& user) {
  if (user.empty()) return;
  passwd* entry = ::getpwnam(user.c_str());
  if (!entry || ::chown(path.c_str(), entry->pw_uid, entry->pw_gid) != 0) {
    throw std::runtime_error("cannot give " + path + " to the " + user + " user");
  }
}

int max_connections(const ClusterSpec& spec) {
  // Each replica holds its pool (--store-connections, 8 unless set) and one listener.
  return 20 + spec.max_replicas * 10;
}

}  // namespace

std::string postgres_binaries() {
  std::string best;
  int best_version = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && fs::exists(entry.path() / "bin" / "postgres")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  return best;
}

std::string postgres_user() { return ::geteuid() == 0 ? "postgres" : ""; }

std::string postgres_problem(const ClusterSpec& spec) {
  if (postgres_binaries().empty()) {
    return "PostgreSQL's server is not installed (no /usr/lib/postgresql/N/bin/postgres); apt-get install "
           "postgresql-15, or scripts/install-deps.sh --with-test-peers";
  }
  const std::string user = postgres_user();
  if (user.empty()) return {};
  if (!::getpwnam(user.c_str())) return "there is no postgres user to run PostgreSQL as (apt-get install postgresql-15 creates it)";
  // The server, as postgres, must reach DIR/postgres: DIR (ours) is made searchable,
  // and every folder above must be already.
  struct stat own {};
  if (::stat(spec.dir.c_str(), &own) != 0 || ::chmod(spec.dir.c_str(), (own.st_mode & 07777) | 0011) != 0) {
    return "cannot make " + spec.dir + " searchable for the postgres user";
  }
  for (fs::path folder = fs::path(spec.dir); !folder.empty() && folder != folder.root_path(); folder = folder.parent_path()) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) != 0) return "cannot read " + folder.string();
    if ((info.st_mode & S_IXOTH) == 0) {
      return "PostgreSQL runs as the postgres user, which cannot enter " + folder.string() +
             "; chmod o+x " + folder.string() +
             " or choose a --dir under a folder others can enter";
    }
  }
  return {};
}

void initialize_postgres(const ClusterSpec& spec, const std::string& log) {
  const std::string user = postgres_user();
  fs::create_directories(spec.path("postgres"));
  give_to(spec.path("postgres"), user);
  if (fs::exists(data_dir(spec) + "/PG_VERSION")) return;
  fs::remove_all(data_dir(spec));
  SpawnOptions initdb;
  initdb.argv = {postgres_binaries() + "/initdb", "-D", data_dir(spec), "-U", "ragscale", "-A", "trust", "-E", "UTF8",
                 "--locale=C", "-N"};
  initdb.log = log;
  initdb.user = user;
  initdb.working_dir = spec.path("postgres");
  pid_t pid = spawn_process(initdb);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("initdb failed; see " + log);
  }
}

std::vector<std::string> postgres_argv(const ClusterSpec& spec) {
  return {postgres_binaries() + "/postgres",
          "-D", data_dir(spec),
          "-p", std::to_string(spec.postgres_port()),
          "-k", spec.path("postgres"),
          "-c", "listen_addresses=127.0.0.1",
          "-c", "max_connections=" + std::to_string(max_connections(spec)),
          "-c", "logging_collector=off"};
}

bool postgres_ready(const ClusterSpec& spec) {
  serve::pg::ConnectOptions options;
  options.url = "postgres://ragscale@127.0.0.1:" + std::to_string(spec.postgres_port()) + "/postgres";
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.statement_timeout = std::chrono::milliseconds(10000);
  try {
    serve::pg::Connection connection(options);
    if (connection.exec("SELECT 1 FROM pg_database WHERE datname = 'ragscale'").rows() == 0) {
      connection.exec("CREATE DATABASE ragscale");
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace ragscale::cluster
