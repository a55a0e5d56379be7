// TemporaryPostgres: a private PostgreSQL server for tests — Debian's binaries, a data
// folder under /tmp, a free loopback port, its socket in that folder, fsync off — stopped
// and removed in the destructor. PostgreSQL refuses to run as root, so as root every
// server command runs as the postgres user (runuser) over a folder it owns.
//
// initdb costs seconds, so the first server of a machine initializes a template folder
// (under a lock) and every server after copies it. shared() is one server for the whole
// test binary, started on first use; create_database() gives each test a fresh database.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "support/free_port.h"

namespace ragscale::testing {

class TemporaryPostgres {
 public:
  static constexpr const char* kBinaries = "/usr/lib/postgresql/15/bin";

  static bool available() { return std::filesystem::exists(std::string(kBinaries) + "/postgres"); }
  static std::string unavailable_reason() {
    return std::string("PostgreSQL 15 server binaries not found in ") + kBinaries +
           " (apt-get install postgresql-15, or scripts/install-deps.sh --with-test-peers)";
  }

  TemporaryPostgres() {
    char pattern[] = "/tmp/ragscale-pg-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    directory_ = pattern;
    copy_template(directory_ + "/data");
    own(directory_);
    port_ = free_loopback_port();
    start();
  }

  ~TemporaryPostgres() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  TemporaryPostgres(const TemporaryPostgres&) = delete;
  TemporaryPostgres& operator=(const TemporaryPostgres&) = delete;

  static TemporaryPostgres& shared() {
    static std::unique_ptr<TemporaryPostgres> server = std::make_unique<TemporaryPostgres>();
    return *server;
  }

  int port() const { return port_; }
  std::string url(const std::string& database) const {
    return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  // A new empty database; its URL.
  std::string create_database() {
    static std::atomic<int> counter{0};
    std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    run(as_postgres() + std::string(kBinaries) + "/createdb -h " + directory_ + " -p " + std::to_string(port_) +
        " -U postgres " + name);
    return url(name);
  }

  void start() {
    run(as_postgres() + std::string(kBinaries) + "/pg_ctl -D " + directory_ + "/data -l " + directory_ +
        "/server.log -w -s -o \"-p " + std::to_string(port_) + " -k " + directory_ +
        " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start");
    running_ = true;
  }

  // Immediate stop: what a crash looks like to the clients.
  void stop() {
    if (!running_) return;
    running_ = false;
    std::system((as_postgres() + std::string(kBinaries) + "/pg_ctl -D " + directory_ +
                 "/data -m immediate -w -s stop > /dev/null 2>&1")
                    .c_str());
  }

 private:
  static bool root() { return ::geteuid() == 0; }
  static std::string as_postgres() { return root() ? "runuser -u postgres -- " : ""; }

  static void run(const std::string& command) {
    if (std::system((command + " > /dev/null 2>&1").c_str()) != 0) {
      throw std::runtime_error("TemporaryPostgres: failed: " + command);
    }
  }

  static void own(const std::string& path) {
    if (!root()) return;
    passwd* user = ::getpwnam("postgres");
    if (!user) throw std::runtime_error("TemporaryPostgres: no postgres user (install postgresql-15)");
    run("chown -R postgres:postgres " + path);
  }

  static void copy_template(const std::string& data) {
    std::string base = "/tmp/ragscale-pg-template-15-uid" + std::to_string(::geteuid());
    int lock = ::open((base + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lock < 0) throw std::runtime_error("TemporaryPostgres: cannot open " + base + ".lock");
    ::flock(lock, LOCK_EX);
    try {
      if (!std::filesystem::exists(base + "/PG_VERSION")) {
        std::string building = base + ".building";
        std::filesystem::remove_all(building);
        std::filesystem::create_directories(building);
        own(building);
        run(as_postgres() + std::string(kBinaries) + "/initdb -D " + building +
            " -U postgres -A trust -E UTF8 --locale=C -N");
        std::filesystem::remove_all(base);
        std::filesystem::rename(building, base);
      }
      run("cp -a " + base + " " + data);
    } catch (...) {
      ::close(lock);
      throw;
    }
    ::close(lock);
  }

  std::string directory_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace ragscale::testing
