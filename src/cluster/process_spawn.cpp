#include "cluster/process_spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace ragscale::cluster {

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

pid_t spawn_process(const SpawnOptions& options) {
  const std::string program = find_program(options.argv.at(0));
  if (program.empty()) throw std::runtime_error("cannot find the program " + options.argv[0]);
  uid_t uid = 0;
  gid_t gid = 0;
  if (!options.user.empty()) {
    passwd* entry = ::getpwnam(options.user.c_str());
    if (!entry) throw std::runtime_error("no user " + options.user + " on this machine");
    uid = entry->pw_uid;
    gid = entry->pw_gid;
  }
  int log = ::open(options.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot write " + options.log + ": " + std::strerror(errno));
  if (!options.user.empty() && ::fchown(log, uid, gid) != 0) {
    // Not fatal: the child writes through the descriptor opened here.
  }
  std::vector<char*> argv;
  for (const auto& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // In the child: only async-signal-safe calls until exec (getpwnam was done before).
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the keeper blocks signals for its signalfd
    ::signal(SIGPIPE, SIG_DFL);                  // and ignores SIGPIPE, which exec would keep
    if (!options.user.empty()) {
      if (::initgroups(options.user.c_str(), gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) {
        const char message[] = "cannot switch to the server's user\n";
        (void)!::write(STDERR_FILENO, message, sizeof message - 1);
        ::_exit(126);
      }
    }
    if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) ::_exit(126);
    ::execv(program.c_str(), argv.data());
    const char message[] = "cannot run the program\n";
    (void)!::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
  }
  ::close(log);
  return pid;
}

bool process_running(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  // pid (comm) STATE ...: comm may hold spaces and parentheses, so read after the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  char state = line[close + 2];
  return state != 'Z' && state != 'X';
}

bool stop_process(pid_t pid, int signal, int grace_ms) {
  if (!process_running(pid)) {
    ::waitpid(pid, nullptr, WNOHANG);
    return true;
  }
  ::kill(pid, signal);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    ::waitpid(pid, nullptr, WNOHANG);
    if (!process_running(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 100 && process_running(pid); ++i) {
    ::waitpid(pid, nullptr, WNOHANG);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace ragscale::cluster
