#include "http/parser.h"

namespace ragscale::http {

HttpParser::HttpParser(MessageSink* sink, bool capture_headers) : sink_(sink), capture_headers_(capture_headers) {
  http_parser_settings_init(&settings_);
  settings_.on_message_begin = &HttpParser::on_message_begin;
  settings_.on_header_field = &HttpParser::on_header_field;
  settings_.on_header_value = &HttpParser::on_header_value;
  settings_.on_headers_complete = &HttpParser::on_headers_complete;
  settings_.on_body = &HttpParser::on_body;
  settings_.on_message_complete = &HttpParser::on_message_complete;
  reset();
}

void HttpParser::reset() {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
  sink_rejected_ = false;
  head_too_large_ = false;
  head_response_ = false;
}

size_t HttpParser::feed(const char* data, size_t length) {
  return http_parser_execute(&parser_, &settings_, data, length);
}

void HttpParser::feed_eof() { http_parser_execute(&parser_, &settings_, nullptr, 0); }

bool HttpParser::failed() const {
  return HTTP_PARSER_ERRNO(&parser_) != HPE_OK && HTTP_PARSER_ERRNO(&parser_) != HPE_PAUSED;
}

std::string HttpParser::error() const {
  if (head_too_large_) return "message head larger than " + std::to_string(max_head_bytes_) + " bytes";
  if (sink_rejected_) return "message rejected";
  auto code = HTTP_PARSER_ERRNO(&parser_);
  return std::string(http_errno_name(code)) + ": " + http_errno_description(code);
}

bool HttpParser::count_head_bytes(size_t length) {
  head_bytes_ += length;
  if (head_bytes_ > max_head_bytes_) {
    head_too_large_ = true;
    return false;
  }
  return true;
}

void HttpParser::flush_header() {
  if (in_value_) {
    head_.headers.add(std::move(field_), std::move(value_));
    field_.clear();
    value_.clear();
    in_value_ = false;
  }
}

int HttpParser::on_message_begin(http_parser* p) {
  auto* self = static_cast<HttpParser*>(p->data);
  self->head_.status = 0;
  self->head_.headers.clear();
  self->head_.has_content_length = false;
  self->head_.content_length = 0;
  self->field_.clear();
  self->value_.clear();
  self->in_value_ = false;
  self->head_bytes_ = 0;
  return 0;
}

int HttpParser::on_header_field(http_parser* p, const char* at, size_t length) {
  auto* self = static_cast<HttpParser*>(p->data);
  if (!self->count_head_bytes(length)) return 1;
  if (!self->capture_headers_) return 0;
  self->flush_header();
  self->field_.append(at, length);
  return 0;
}

int HttpParser::on_header_value(http_parser* p, const char* at, size_t length) {
  auto* self = static_cast<HttpParser*>(p->data);
  if (!self->count_head_bytes(length)) return 1;
  if (!self->capture_headers_) return 0;
  self->in_value_ = true;
  self->value_.append(at, length);
  return 0;
}

int HttpParser::on_headers_complete(http_parser* p) {
  auto* self = static_cast<HttpParser*>(p->data);
  if (self->capture_headers_) self->flush_header();
  MessageHead& head = self->head_;
  head.status = static_cast<int>(p->status_code);
  head.keep_alive = http_should_keep_alive(p) != 0;
  head.chunked = (p->flags & F_CHUNKED) != 0;
  if ((p->flags & F_CONTENTLENGTH) != 0) {
    head.has_content_length = true;
    head.content_length = p->content_length;
  }
  if (!self->sink_->on_head(head)) {
    self->sink_rejected_ = true;
    return -1;
  }
  // An interim 1xx response precedes the real one, which is the one without a body.
  bool interim = head.status >= 100 && head.status < 200;
  if (self->head_response_ && !interim) {
    self->head_response_ = false;
    return 1;  // tells http-parser there is no body
  }
  return 0;
}

int HttpParser::on_body(http_parser* p, const char* at, size_t length) {
  auto* self = static_cast<HttpParser*>(p->data);
  if (!self->sink_->on_body(std::string_view(at, length))) {
    self->sink_rejected_ = true;
    return 1;
  }
  return 0;
}

int HttpParser::on_message_complete(http_parser* p) {
  auto* self = static_cast<HttpParser*>(p->data);
  if (!self->sink_->on_complete(http_should_keep_alive(p) != 0)) {
    http_parser_pause(p, 1);
  }
  return 0;
}

}  // namespace ragscale::http
