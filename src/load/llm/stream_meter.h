// StreamMeter: the timing of one streamed model answer, as its body pieces arrive.
//
// Contract:
// - start(t) begins a request sent (or, in the open model, due) at t. feed(piece, read_at)
//   parses the piece (SseParser) and classifies each event (classify_stream_event);
//   read_at is when the loop read the bytes, so every event of one read shares its time.
// - The first content event sets the time to first token; every later content event's
//   gap from the previous one is an inter-token latency, handed to on_gap(us) as it
//   happens (so every gap can go into a histogram without storing it here).
// - tokens(): usage.completion_tokens when the server reported it, else the content
//   events counted. TPOT = (end - first token) / (tokens - 1), as vLLM's benchmark
//   computes it (end = the end of the response), only when tokens > 1.
// - cut_short(): the answer stopped before its end marker after a stream that has one
//   (OpenAI chunks end with [DONE], ragscale serve's tokens with "event: done").
// - No allocation per event beyond the parser's buffers (see SseParser).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "load/llm/sse_parser.h"
#include "load/llm/stream_event.h"
#include "net/event_loop.h"

namespace ragscale::load::llm {

inline uint64_t micros_between(net::TimePoint from, net::TimePoint to) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
  return us > 0 ? static_cast<uint64_t>(us) : 0;
}

class StreamMeter {
 public:
  void start(net::TimePoint sent_at);

  template <typename OnGap>
  void feed(std::string_view piece, net::TimePoint read_at, OnGap&& on_gap) {
    parser_.feed(piece, [&](const SseEvent& event) {
      const StreamEventInfo info = classify_stream_event(event.name, event.data);
      if (info.usage_tokens) usage_tokens_ = info.usage_tokens;
      if (info.openai || info.serve) expects_end_ = true;
      if (info.kind == StreamEventInfo::Kind::kDone) {
        done_ = true;
      } else if (info.kind == StreamEventInfo::Kind::kContent) {
        if (content_events_ == 0) {
          first_token_at_ = read_at;
        } else {
          const uint64_t gap = micros_between(last_token_at_, read_at);
          if (gap > max_gap_us_) max_gap_us_ = gap;
          on_gap(gap);
        }
        last_token_at_ = read_at;
        ++content_events_;
      }
    });
  }

  bool content_started() const { return content_events_ > 0; }
  bool done() const { return done_; }
  bool cut_short() const { return expects_end_ && !done_; }
  uint64_t content_events() const { return content_events_; }
  uint64_t tokens() const { return usage_tokens_.value_or(content_events_); }
  // nullopt before the first token.
  std::optional<uint64_t> ttft_us() const;
  // The largest inter-token gap so far (0 with fewer than two tokens).
  uint64_t max_gap_us() const { return max_gap_us_; }
  std::optional<uint64_t> tpot_us(net::TimePoint end) const;

 private:
  SseParser parser_;
  net::TimePoint sent_at_{};
  net::TimePoint first_token_at_{};
  net::TimePoint last_token_at_{};
  uint64_t content_events_ = 0;
  uint64_t max_gap_us_ = 0;
  std::optional<uint64_t> usage_tokens_;
  bool done_ = false;
  bool expects_end_ = false;
};

}  // namespace ragscale::load::llm
