#include "serve/query/cache_warmer.h"

#include <fstream>
#include <stdexcept>

namespace ragscale::serve {

std::vector<std::string> read_warm_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read warm file " + path);
  std::vector<std::string> questions;
  std::string line;
  while (std::getline(file, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto begin = line.find_first_not_of(" \t");
    if (begin == std::string::npos || line[begin] == '#') continue;
    questions.push_back(line.substr(begin));
  }
  return questions;
}

CacheWarmer::CacheWarmer(QueryPipeline& pipeline, std::vector<std::string> questions, size_t per_second,
                         const std::atomic<bool>& ready)
    : pipeline_(pipeline), questions_(std::move(questions)), per_second_(per_second == 0 ? 1 : per_second),
      ready_(ready) {}

CacheWarmer::~CacheWarmer() { stop(); }

void CacheWarmer::start() { thread_ = std::thread([this] { run(); }); }

void CacheWarmer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CacheWarmer::run() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  while (!ready_.load() && !stopping_) wake_.wait_for(lock, std::chrono::milliseconds(20));
  auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / per_second_));
  auto next = Clock::now();
  for (const auto& question : questions_) {
    if (stopping_) return;
    wake_.wait_until(lock, next, [this] { return stopping_; });
    if (stopping_) return;
    lock.unlock();
    QueryParameters q;
    q.question = question;
    if (pipeline_.warm(q)) started_.fetch_add(1);
    lock.lock();
    next += interval;
  }
}

}  // namespace ragscale::serve
