#include "load/llm/stream_meter.h"

namespace ragscale::load::llm {

void StreamMeter::start(net::TimePoint sent_at) {
  parser_.reset();
  sent_at_ = sent_at;
  first_token_at_ = last_token_at_ = sent_at;
  content_events_ = 0;
  max_gap_us_ = 0;
  usage_tokens_.reset();
  done_ = false;
  expects_end_ = false;
}

std::optional<uint64_t> StreamMeter::ttft_us() const {
  if (content_events_ == 0) return std::nullopt;
  return micros_between(sent_at_, first_token_at_);
}

std::optional<uint64_t> StreamMeter::tpot_us(net::TimePoint end) const {
  const uint64_t count = tokens();
  if (content_events_ == 0 || count < 2) return std::nullopt;
  return micros_between(first_token_at_, end) / (count - 1);
}

}  // namespace ragscale::load::llm
