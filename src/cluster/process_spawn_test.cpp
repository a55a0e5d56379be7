#include "cluster/process_spawn.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster/probes.h"

namespace ragscale::cluster {

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST(ProcessSpawn, RunsAProgramWithItsOutputInTheLog) {
  char pattern[] = "/tmp/ragscale-spawn-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string log = std::string(pattern) + "/out.log";
  SpawnOptions options;
  options.argv = {"sh", "-c", "echo to-out; echo to-err >&2; pwd"};
  options.log = log;
  options.working_dir = pattern;
  pid_t pid = spawn_process(options);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string text = read_all(log);
  EXPECT_NE(text.find("to-out"), std::string::npos);
  EXPECT_NE(text.find("to-err"), std::string::npos);
  EXPECT_NE(text.find(pattern), std::string::npos);
  std::filesystem::remove_all(pattern);
}

TEST(ProcessSpawn, AMissingProgramIsAnErrorNamingIt) {
  SpawnOptions options;
  options.argv = {"ragscale-no-such-program"};
  options.log = "/dev/null";
  try {
    spawn_process(options);
    FAIL() << "started a program that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ragscale-no-such-program"), std::string::npos);
  }
  EXPECT_EQ(find_program("ragscale-no-such-program"), "");
  EXPECT_NE(find_program("sh"), "");
}

TEST(ProcessSpawn, AZombieIsNotRunningAndStopEndsAProcessThatIgnoresSigterm) {
  SpawnOptions options;
  options.argv = {"sh", "-c", "exit 0"};
  options.log = "/dev/null";
  pid_t quick = spawn_process(options);
  // Not reaped yet: a zombie still answers kill(pid, 0) but is not running.
  for (int i = 0; i < 200 && process_running(quick); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(::kill(quick, 0), 0);
  EXPECT_FALSE(process_running(quick));
  ::waitpid(quick, nullptr, 0);

  options.argv = {"sh", "-c", "trap '' TERM; while true; do sleep 0.05; done"};
  pid_t stubborn = spawn_process(options);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(process_running(stubborn));
  EXPECT_FALSE(stop_process(stubborn, SIGTERM, 200));  // needed the SIGKILL
  EXPECT_FALSE(process_running(stubborn));
}

TEST(Probes, NothingAnswersOnAFreePort) {
  // A port the kernel just gave out and took back: nothing listens there.
  int port = 0;
  for (int candidate = 40000; candidate < 40100 && port == 0; ++candidate) {
    if (port_free(candidate)) port = candidate;
  }
  ASSERT_NE(port, 0);
  EXPECT_EQ(http_status(port, "/health", 200), 0);
  EXPECT_FALSE(redis_answers(port, 200));
  EXPECT_THROW(unix_socket_exchange("/nonexistent/ragscale.sock", "show info", 200), std::runtime_error);
}

}  // namespace ragscale::cluster
