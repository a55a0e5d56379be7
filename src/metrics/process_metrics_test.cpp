#include "metrics/process_metrics.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "metrics/prometheus_text.h"

namespace ragscale::metrics {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(ProcessMetricsTest, SamplesThisProcess) {
  const ProcessSample sample = sample_process();
  EXPECT_GT(sample.cpu_seconds, 0);
  EXPECT_GT(sample.resident_bytes, 1u << 20);
  EXPECT_GE(sample.open_fds, 3u);  // at least stdin, stdout, stderr
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(sample.max_fds, limit.rlim_cur);
  EXPECT_LE(sample.start_time_seconds, unix_now() + 1);
  EXPECT_GT(sample.start_time_seconds, unix_now() - 24 * 3600);  // a unit-test binary is not a day old
  EXPECT_GE(sample.threads, 1u);
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  EXPECT_EQ(sample.cpu_cores_available, static_cast<uint64_t>(CPU_COUNT(&set)));
}

TEST(ProcessMetricsTest, FollowsDescriptorsThreadsAndCpu) {
  const ProcessSample before = sample_process();
  const int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  std::promise<void> release;
  std::promise<void> started;
  std::thread thread([&] {
    started.set_value();
    release.get_future().wait();
  });
  started.get_future().wait();
  // Burn a little CPU so the counter moves past getrusage's resolution.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(30);
  volatile uint64_t spin = 0;
  while (std::chrono::steady_clock::now() < until) spin = spin + 1;
  const ProcessSample during = sample_process();
  release.set_value();
  thread.join();
  ::close(fd);
  EXPECT_EQ(during.open_fds, before.open_fds + 1);
  EXPECT_EQ(during.threads, before.threads + 1);
  EXPECT_GT(during.cpu_seconds, before.cpu_seconds);
  EXPECT_EQ(during.start_time_seconds, before.start_time_seconds);
}

TEST(ProcessMetricsTest, RendersTheStandardNamesAndTypes) {
  ProcessSample sample;
  sample.cpu_seconds = 12.5;
  sample.resident_bytes = 4096;
  sample.open_fds = 9;
  sample.max_fds = 1024;
  sample.start_time_seconds = 1700000000.25;
  sample.threads = 6;
  sample.cpu_cores_available = 2;
  std::string text;
  append_process_metrics(text, sample);
  const Exposition exposition = parse_prometheus_text(text);
  EXPECT_TRUE(exposition.problems.empty());
  auto value = [&](std::string_view name) {
    for (const auto& s : exposition.samples) {
      if (s.name == name) return s.value;
    }
    return -1.0;
  };
  EXPECT_EQ(value("process_cpu_seconds_total"), 12.5);
  EXPECT_EQ(value("process_resident_memory_bytes"), 4096);
  EXPECT_EQ(value("process_open_fds"), 9);
  EXPECT_EQ(value("process_max_fds"), 1024);
  EXPECT_EQ(value("process_start_time_seconds"), 1700000000.25);
  EXPECT_EQ(value("process_threads"), 6);
  EXPECT_EQ(value("ragscale_cpu_cores_available"), 2);
  EXPECT_EQ(exposition.kind_of("process_cpu_seconds_total"), MetricKind::kCounter);
  EXPECT_EQ(exposition.kind_of("ragscale_cpu_cores_available"), MetricKind::kGauge);
}

}  // namespace
}  // namespace ragscale::metrics
