// CacheWarmer: answers the questions of a warm file (one a line; blank lines and lines
// starting with # skipped) in the background at start, at a bounded rate, so the first
// users of a fresh replica find their common questions cached.
//
// Contract: start() returns at once; the questions are started at most `per_second` a
// second through QueryPipeline::warm(), with the default query parameters, once the
// service is ready; questions already cached are skipped. stop() ends it promptly
// (answers in flight finish on their own). Thread-safe start/stop from the owner.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "serve/query/query_pipeline.h"

namespace ragscale::serve {

// The questions of a warm file; throws std::runtime_error naming the file if unreadable.
std::vector<std::string> read_warm_file(const std::string& path);

class CacheWarmer {
 public:
  CacheWarmer(QueryPipeline& pipeline, std::vector<std::string> questions, size_t per_second,
              const std::atomic<bool>& ready);
  ~CacheWarmer();
  CacheWarmer(const CacheWarmer&) = delete;
  CacheWarmer& operator=(const CacheWarmer&) = delete;

  void start();
  void stop();
  size_t started() const { return started_.load(); }

 private:
  void run();

  QueryPipeline& pipeline_;
  std::vector<std::string> questions_;
  size_t per_second_;
  const std::atomic<bool>& ready_;
  std::atomic<size_t> started_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ragscale::serve
