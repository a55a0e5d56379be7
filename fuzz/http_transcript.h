// Drives HttpParser (responses) the way the client does (feed what arrived, keep what
// was not consumed, skip interim 1xx answers and read on, resume after each complete
// final response, EOF at the end) and writes down everything the sink saw as text, so
// the fuzz targets can demand that a byte stream parses the same however it is split.
//
// Contract: http_transcript() never throws for any input; it aborts (a fuzz crash) only
// when the sink sees something the parser's contract rules out, e.g. a complete
// Content-Length message whose body has a different length.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "http/message.h"
#include "http/parser.h"

namespace ragscale::fuzz {

struct HttpParseSetup {
  bool capture_headers = true;
  bool head_response = false;  // the first response answers a HEAD request
  size_t max_head_bytes = 2048;
};

class TranscriptSink : public http::MessageSink {
 public:
  explicit TranscriptSink(const HttpParseSetup& setup) : setup_(setup) {}

  bool on_head(http::MessageHead& head) override {
    head_ = head;
    body_.clear();
    log_ += "head status=" + std::to_string(head.status) + " keep_alive=" + std::to_string(head.keep_alive) + " chunked=" + std::to_string(head.chunked) +
            " length=" + (head.has_content_length ? std::to_string(head.content_length) : "-") + "\n";
    for (const auto& [name, value] : head.headers) log_ += "  " + name + ": " + value + "\n";
    return true;
  }

  bool on_body(std::string_view piece) override {
    if (piece.empty()) fail("on_body with an empty piece");
    body_.append(piece);
    return true;
  }

  bool on_complete(bool keep_alive) override {
    // Answers to HEAD, 1xx, 204 and 304 have no body whatever their Content-Length says.
    // The answer to HEAD is the first that is not 1xx (the parser's rule): a 100 Continue
    // before it has a body of its own.
    bool parser_interim = head_.status >= 100 && head_.status < 200;
    bool bodyless = (setup_.head_response && !parser_interim && finals_ == 0) || parser_interim ||
                    head_.status == 204 || head_.status == 304;
    if (!parser_interim) ++finals_;
    if (head_.has_content_length && !head_.chunked && !bodyless && body_.size() != head_.content_length) {
      fail("complete message body differs from its Content-Length",
           std::to_string(body_.size()) + " vs " + std::to_string(head_.content_length));
    }
    log_ += "body " + std::to_string(body_.size()) + ":" + body_ + "\ncomplete keep_alive=" + std::to_string(keep_alive) + "\n";
    body_.clear();
    if (client_skips(head_.status)) {
      // Like ClientConnection: "100 Continue" and the like precede the response proper,
      // which the parser reads on to without pausing.
      log_ += "interim skipped\n";
      return true;
    }
    complete_ = true;
    return false;  // pause like the client: one response per request
  }

  std::string log_;
  bool complete_ = false;

 private:
  // The client's rule (client_connection.cpp): 1xx other than 101, which it never asks for.
  static bool client_skips(int status) { return status >= 100 && status < 200 && status != 101; }

  const HttpParseSetup& setup_;
  http::MessageHead head_;
  std::string body_;
  int finals_ = 0;  // complete responses that were not 1xx
};

// What the sink saw, and why the parse stopped (empty when it did not fail).
struct Transcript {
  std::string events;
  std::string error;
};

inline Transcript http_transcript(const HttpParseSetup& setup, const std::vector<std::string_view>& pieces) {
  TranscriptSink sink(setup);
  http::HttpParser parser(&sink, setup.capture_headers);
  parser.set_max_head_bytes(setup.max_head_bytes);
  if (setup.head_response) parser.expect_head_response();
  std::string pending;
  size_t offset = 0;  // of pending's first byte in the whole input
  for (std::string_view piece : pieces) {
    pending.append(piece);
    while (!pending.empty()) {
      size_t consumed = parser.feed(pending.data(), pending.size());
      if (parser.failed()) return {sink.log_ + "error\n", parser.error()};
      if (consumed > pending.size()) fail("parser consumed more than it was given");
      pending.erase(0, consumed);
      offset += consumed;
      if (!sink.complete_) {
        // Neither complete nor failed yet bytes left over: the parser stopped (an
        // upgrade); the server would wait for more input that never helps.
        if (!pending.empty()) return {sink.log_ + "stopped at " + std::to_string(offset) + "\n", ""};
        break;
      }
      sink.complete_ = false;
      parser.resume();
    }
  }
  parser.feed_eof();
  if (parser.failed()) return {sink.log_ + "error at eof\n", parser.error()};
  return {sink.log_, ""};
}

// Parses the input whole, byte by byte and in random pieces; aborts when the messages
// differ or when one parse fails and another does not. Why a parse failed may differ:
// the head limit is counted as http-parser hands over pieces of the head, so a head that
// is both too long and malformed is reported as either, depending on the pieces (the
// client fails the request either way).
inline void check_split_invariance(const HttpParseSetup& setup, std::string_view input) {
  Transcript reference = http_transcript(setup, whole(input));
  for (const auto& pieces : {byte_pieces(input), random_pieces(input)}) {
    Transcript split = http_transcript(setup, pieces);
    if (split.events != reference.events) {
      fail("the parse depends on how the input was split",
           "whole:\n" + reference.events + reference.error + "\nsplit:\n" + split.events + split.error);
    }
  }
}

}  // namespace ragscale::fuzz
