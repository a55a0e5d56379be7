// SseParser: an incremental Server-Sent Events parser (the WHATWG event-stream format)
// for streamed HTTP bodies that arrive in pieces split at any byte.
//
// Contract:
// - feed() takes the next piece of the body and calls on_event(const SseEvent&) once per
//   complete event (the blank line that ends it has arrived). Lines end with CRLF, LF or
//   CR, also when the CR and the LF of one CRLF arrive in different pieces.
// - Lines starting with ':' are comments and are skipped. "data:" lines append to the
//   event's data, joined with '\n' (multi-line data); "event:" sets its name (empty
//   when absent); one space after the colon is dropped; "id:", "retry:" and unknown
//   fields are ignored. A blank line with no data line before it dispatches nothing.
// - The views in SseEvent are valid only during the callback.
// - Memory: one buffer for a line split across pieces and one for the event being
//   built; both keep their capacity, so a stream of similar events allocates nothing
//   after its first event. An event or line longer than kMaxEventBytes puts the parser
//   in the failed() state (a hostile or broken server), after which feed() ignores input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ragscale::load::llm {

struct SseEvent {
  std::string_view name;  // "event:" field; empty for the default "message" type
  std::string_view data;
};

class SseParser {
 public:
  static constexpr size_t kMaxEventBytes = 1 << 20;

  template <typename OnEvent>
  void feed(std::string_view bytes, OnEvent&& on_event) {
    if (failed_) return;
    size_t pos = 0;
    if (pending_cr_) {
      pending_cr_ = false;
      if (!bytes.empty() && bytes.front() == '\n') pos = 1;  // the LF of a CRLF split across pieces
    }
    while (pos < bytes.size()) {
      const size_t end = bytes.find_first_of("\r\n", pos);
      if (end == std::string_view::npos) {
        partial_.append(bytes.substr(pos));
        if (partial_.size() > kMaxEventBytes) failed_ = true;
        return;
      }
      std::string_view line = bytes.substr(pos, end - pos);
      if (!partial_.empty()) {
        partial_.append(line);
        line = partial_;
      }
      size_t next = end + 1;
      if (bytes[end] == '\r') {
        if (next < bytes.size()) {
          if (bytes[next] == '\n') ++next;
        } else {
          pending_cr_ = true;
        }
      }
      pos = next;
      const bool dispatch = take_line(line);
      partial_.clear();
      if (failed_) return;
      if (dispatch) {
        on_event(SseEvent{name_, data_});
        clear_event();
      }
    }
  }

  // Forgets everything, for the next stream; buffers keep their capacity.
  void reset();
  bool failed() const { return failed_; }

 private:
  // Applies one line; true when it ended an event that should be dispatched.
  bool take_line(std::string_view line);
  void clear_event();

  std::string partial_;  // a line whose end has not arrived yet
  std::string data_;
  std::string name_;
  bool has_data_ = false;
  bool pending_cr_ = false;
  bool failed_ = false;
};

}  // namespace ragscale::load::llm
