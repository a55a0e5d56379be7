#include "load/llm/sse_parser.h"

namespace ragscale::load::llm {

void SseParser::reset() {
  partial_.clear();
  clear_event();
  pending_cr_ = false;
  failed_ = false;
}

void SseParser::clear_event() {
  data_.clear();
  name_.clear();
  has_data_ = false;
}

bool SseParser::take_line(std::string_view line) {
  if (line.empty()) return has_data_;
  if (line.front() == ':') return false;  // a comment (often a keep-alive)
  const size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
    if (data_.size() > kMaxEventBytes) failed_ = true;
  } else if (field == "event") {
    name_.assign(value);
  }
  return false;
}

}  // namespace ragscale::load::llm
