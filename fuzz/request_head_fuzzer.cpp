// Fuzz target: the server's strict request-head reader (http/request_head.h), the parser
// every request to serve and sim goes through. The input is raw client bytes; it is fed
// as a growing prefix (as the server does) whole, byte by byte and in random pieces, and
// the three reads must agree on the outcome, on the status a refused head is answered
// with (a head with two faults gets the first by position however it arrives), and for
// an accepted head on its length, method, target and headers. A head that is accepted
// must end in CRLF CRLF within the input and within the limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "http/message.h"
#include "http/request_head.h"

namespace {

using ragscale::http::RequestHeadReader;

struct Outcome {
  RequestHeadReader::Status status = RequestHeadReader::Status::kNeedMore;
  size_t head_length = 0;
  int error_status = 0;
  std::string summary;  // method, target and headers as one string
};

Outcome read_in(const std::vector<std::string_view>& pieces, ragscale::http::HeadLimits limits) {
  RequestHeadReader reader(limits);
  Outcome outcome;
  size_t received = 0;
  std::string_view all = pieces.empty() ? std::string_view() : std::string_view(pieces.front().data(), 0);
  for (auto piece : pieces) {
    received += piece.size();
    all = std::string_view(pieces.front().data(), received);
    outcome.status = reader.read(all);
    if (outcome.status != RequestHeadReader::Status::kNeedMore) break;
  }
  if (outcome.status == RequestHeadReader::Status::kBad) {
    outcome.error_status = reader.error_status();
    if (outcome.error_status < 400 || outcome.error_status > 505) {
      ragscale::fuzz::fail("a refused head has no 4xx/5xx status to answer with");
    }
  }
  if (outcome.status == RequestHeadReader::Status::kDone) {
    auto& head = reader.head();
    outcome.head_length = reader.head_length();
    outcome.summary = head.method + " " + head.target;
    // What the server's router then does with the target.
    ragscale::http::Request request;
    request.target = head.target;
    (void)request.path();
    (void)request.query();
    (void)request.query_param("q");
    (void)ragscale::http::url_decode(head.target);
    for (const auto& [name, value] : head.headers) outcome.summary += "\n" + name + ": " + value;
  }
  return outcome;
}

void check(std::string_view input, ragscale::http::HeadLimits limits) {
  using ragscale::fuzz::fail;
  Outcome whole = read_in(ragscale::fuzz::whole(input), limits);
  for (const auto& pieces : {ragscale::fuzz::byte_pieces(input), ragscale::fuzz::random_pieces(input)}) {
    Outcome split = read_in(pieces, limits);
    if (split.status != whole.status) fail("split and whole reads disagree on the outcome");
    if (split.error_status != whole.error_status) {
      fail("split and whole reads refuse the head with different statuses",
           std::to_string(whole.error_status) + " whole, " + std::to_string(split.error_status) + " split");
    }
    if (split.head_length != whole.head_length || split.summary != whole.summary) {
      fail("split and whole reads disagree on the head", whole.summary + "\n---\n" + split.summary);
    }
  }
  if (whole.status == RequestHeadReader::Status::kDone) {
    if (whole.head_length > input.size() || whole.head_length < 4 ||
        input.substr(whole.head_length - 4, 4) != "\r\n\r\n") {
      fail("an accepted head does not end in CRLF CRLF");
    }
    if (whole.head_length > limits.max_head_bytes) fail("an accepted head is over the limit");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, {});
  check(input, {64, 4});  // limits small enough to be hit mid-head
  return 0;
}
