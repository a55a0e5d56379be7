// VirtualUser: one simulated user, Locust's User: it runs its class's on_start steps once,
// then picks weighted tasks, runs each task's steps in order on its own keep-alive
// connection, and waits its think time between tasks. In the open model it runs one task
// per arrival instead, and the first request's latency counts from the arrival's
// intended start (coordinated omission correction). A step with a retry: policy is sent
// again after a backoff while its outcome is one the policy retries; every repeated attempt
// counts as a retry of the step's endpoint, the final outcome once, timed from the first
// attempt's start (docs/scenario-format.md, "Retries").
//
// A user lives on one worker thread and is driven only by that thread's event loop.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "http/client_connection.h"
#include "load/compiled_scenario.h"
#include "load/llm/stream_meter.h"
#include "load/scenario/render.h"
#include "load/scenario/response_body.h"
#include "net/event_loop.h"

namespace ragscale::load {

class Worker;

class VirtualUser final : public http::ClientConnection::Listener {
 public:
  enum class Mode { kClosed, kOpen };

  VirtualUser(Worker& worker, const CompiledClass& user_class, uint64_t user_id, uint64_t seed, Mode mode);
  ~VirtualUser() override;

  // Closed model: on_start, then tasks until stop().
  void start();
  // Open model: one task (after on_start, the first time), latency from `intended`.
  void run_iteration(net::TimePoint intended);
  // No new requests from now on; a request in flight still completes and is recorded.
  void stop();

  bool halted() const { return halted_; }
  bool request_in_flight() const { return connection_.busy(); }
  uint64_t user_id() const { return state_.user_id; }

  void on_response(http::ClientConnection& connection, const http::ClientResult& result) override;

 private:
  void begin();  // on_start first if it has not run yet, then a task
  void next_task();
  void run_steps();
  void send_step(const CompiledStep& step);
  // Arms the backoff and returns true when the step's retry policy repeats this attempt.
  bool retry_later(const CompiledStep& step, const http::ClientResult& result, uint64_t latency_us);
  void record_transport_failure(const CompiledStep& step, http::ClientError error, const std::string& detail,
                                uint64_t latency_us, uint64_t bytes);
  // True when the response counted as a success.
  bool record_outcome(const CompiledStep& step, int status, scenario::ResponseBody& body, uint64_t latency_us,
                      uint64_t bytes);
  // A streamed step's measurement once its response ended; false when the stream was cut.
  bool finish_stream(const CompiledStep& step, const http::ClientResult& result, uint64_t latency_us);
  void judge_slos(const CompiledStep& step, bool succeeded, uint64_t latency_us);
  void task_done();
  void halt();

  Worker& worker_;
  const CompiledClass& class_;
  Mode mode_;
  http::ClientConnection connection_;
  scenario::UserState state_;
  scenario::Rng rng_;
  scenario::RenderedRequest rendered_;
  std::string request_bytes_;
  net::Timer wait_timer_;  // think time, poll intervals, retry backoffs, deferred restarts
  llm::StreamMeter stream_meter_;  // the current streamed step's timing

  // The attempt a retry backoff follows: recorded as the final outcome if the run stops
  // during the wait.
  struct RetriedAttempt {
    http::ClientError error = http::ClientError::kNone;
    std::string error_detail;
    int status = 0;
    uint64_t latency_us = 0;
    uint64_t bytes = 0;
  };
  std::optional<RetriedAttempt> retried_attempt_;
  uint32_t retries_ = 0;  // of the current step

  const std::vector<CompiledStep>* steps_ = nullptr;
  size_t step_index_ = 0;
  uint32_t poll_attempts_ = 0;
  bool on_start_pending_ = true;
  bool sent_in_task_ = false;
  bool use_intended_start_ = false;
  bool stopping_ = false;
  bool halted_ = false;
  net::TimePoint step_start_;
  net::TimePoint task_start_;
  net::TimePoint intended_start_;
};

}  // namespace ragscale::load
