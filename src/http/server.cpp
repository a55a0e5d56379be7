#include "http/server.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <unordered_map>

#include "http/chunked_decoder.h"
#include "http/request_head.h"
#include "http/response_format.h"
#include "net/descriptor_limit.h"
#include "net/surge_memory_release.h"

namespace ragscale::http {

namespace {

// Input pipelined behind an unanswered request beyond the next head is left in the
// kernel (reading pauses) instead of in our memory.
constexpr size_t kPipelineSlack = 64 * 1024;
// Buffers grown past this by one large message are given back once it is done, so an
// idle keep-alive connection costs little whatever it carried before.
constexpr size_t kKeptBufferCapacity = 64 * 1024;

// One read buffer per loop thread: a connection keeps no buffer between reads unless a
// head or pipelined request is incomplete.
char* thread_read_buffer(size_t& size) {
  static thread_local char buffer[64 * 1024];
  size = sizeof buffer;
  return buffer;
}

// How long after a large buffer is freed the heap is trimmed: a burst of large messages
// costs one trim (at most one a second per loop thread, each about a millisecond per
// 100 MB of heap).
constexpr auto kTrimDelayAfterLargeFree = std::chrono::seconds(1);

Response error_response(int status, std::string_view message) {
  Response response;
  response.status = status;
  response.headers.add("Content-Type", "application/json");
  if (status == 503) response.headers.add("Retry-After", "1");
  response.body = error_json(status, message);
  response.keep_alive = false;
  return response;
}

}  // namespace

// One accepted connection. Lives in its worker's table; Responders share ownership so
// an answer that arrives after the client left finds a closed connection, not freed memory.
class ServerConnection final : public net::IoHandler, public std::enable_shared_from_this<ServerConnection> {
 public:
  // The connections of one loop thread; freed memory goes back to the system after a surge.
  struct Table {
    explicit Table(net::EventLoop& loop) : loop(loop) {}

    net::EventLoop& loop;
    std::unordered_map<ServerConnection*, std::shared_ptr<ServerConnection>> connections;
    net::SurgeMemoryRelease memory_release;
    net::Timer trim_timer{[this] { memory_release.trim(); }};

    // A buffer grown past the kept size by one large message is given back at once, and
    // the heap is trimmed shortly after: freeing such buffers (and their smaller steps on
    // the way up) leaves free chunks between live ones that only malloc_trim returns.
    void release_if_large(std::string& buffer) {
      if (buffer.capacity() <= kKeptBufferCapacity) return;
      std::string().swap(buffer);
      if (!trim_timer.armed()) loop.arm_after(trim_timer, kTrimDelayAfterLargeFree);
    }

    void add(std::shared_ptr<ServerConnection> connection) {
      auto* raw = connection.get();
      connections.emplace(raw, std::move(connection));
      memory_release.note(connections.size());
    }
    void erase(ServerConnection* connection) {
      connections.erase(connection);
      memory_release.note(connections.size());
    }
  };

  ServerConnection(HttpServer& server, net::EventLoop& loop, int fd, Table& table)
      : server_(server),
        limits_(server.options_.limits),
        loop_(loop),
        fd_(fd),
        table_(table),
        head_reader_(HeadLimits{limits_.max_head_bytes, limits_.max_header_count}),
        decoder_(limits_.max_head_bytes),
        read_timer_([this] { close(); }),
        write_timer_([this] { on_write_timer(); }) {}

  ~ServerConnection() override { close_socket(); }

  void start() {
    peer_address_ = net::peer_address(fd_);
    interest_ = EPOLLIN;
    loop_.add(fd_, interest_, this);
    arm_read_timer(limits_.idle_timeout);
  }

  void on_io(uint32_t events) override {
    if (closed_) return;
    // A reset, or both directions shut: nothing more can be sent or received. These are
    // reported whatever the interest mask, so waiting on would spin.
    if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
      close();
      return;
    }
    if ((events & EPOLLOUT) != 0) {
      flush();
      if (closed_) return;
    }
    if ((events & EPOLLIN) != 0) read_input();
  }

  // --- Responder operations -------------------------------------------------------

  bool is_current(uint64_t number) const { return !closed_ && phase_ == Phase::kAwaiting && number == request_number_; }

  void send(uint64_t number, Response& response) {
    if (!is_current(number) || streaming_) return;
    for (const auto& [name, value] : accepted_headers_) response.headers.add(name, value);
    bool close_after = !response.keep_alive || !request_keep_alive_ || server_.draining();
    append_head(output_, response.status, response.headers, server_.options_.server_name, response.body.size(),
                close_after);
    if (!head_request_) output_.append(response.body);
    complete_response(close_after);
  }

  void start_stream(uint64_t number, int status, std::string_view content_type, const Headers& extra) {
    if (!is_current(number) || streaming_) return;
    Headers headers = extra;
    for (const auto& [name, value] : accepted_headers_) headers.add(name, value);
    headers.add("Content-Type", std::string(content_type));
    headers.add("Transfer-Encoding", "chunked");
    if (content_type == "text/event-stream" && !headers.has("Cache-Control")) headers.add("Cache-Control", "no-cache");
    stream_close_after_ = !request_keep_alive_ || server_.draining();
    append_head(output_, status, headers, server_.options_.server_name, std::nullopt, stream_close_after_);
    streaming_ = true;
    flush();
  }

  bool write_chunk(uint64_t number, std::string_view data) {
    if (!is_current(number) || !streaming_) return false;
    if (data.empty() || head_request_) return true;
    append_chunk(output_, data);
    flush();
    return !closed_;
  }

  void finish_stream(uint64_t number) {
    if (!is_current(number) || !streaming_) return;
    if (!head_request_) output_.append("0\r\n\r\n");
    streaming_ = false;
    complete_response(stream_close_after_);
  }

  void abort(uint64_t number) {
    if (!is_current(number)) return;
    net::reset_on_close(fd_);  // a reset is what "connection reset" means
    close();
  }

  net::EventLoop& loop() { return loop_; }

  void close() {
    if (closed_) return;
    closed_ = true;
    loop_.disarm(read_timer_);
    loop_.disarm(write_timer_);
    end_request();
    close_socket();
    // Erase after the current batch of events, which may still name this connection.
    auto self = shared_from_this();
    loop_.defer([self, this] {
      table_.release_if_large(request_.body);
      table_.release_if_large(pending_input_);
      table_.release_if_large(output_);
      table_.erase(this);
    });
  }

  void close_socket() {
    if (fd_ < 0) return;
    loop_.remove(fd_);
    ::close(fd_);
    fd_ = -1;
    server_.connections_.fetch_sub(1, std::memory_order_relaxed);
  }

  // Called when the server drains: connections close now unless a handler owes an answer.
  void drain() {
    if (phase_ != Phase::kAwaiting) close();
  }

 private:
  enum class Phase {
    kHead,       // waiting for (the rest of) a head
    kBody,       // receiving a body
    kAwaiting,   // the handler owes the answer; later input waits in pending_input_
    kClosing,    // the last answer is queued; input is read and dropped until it is out
    kLingering,  // the answer is out and our side shut; input dropped until EOF or timeout
  };

  void arm_read_timer(std::chrono::milliseconds timeout) { loop_.arm(read_timer_, loop_.cached_now() + timeout); }

  bool reading() const { return !reading_paused_ && !half_closed_; }

  void update_interest() {
    if (fd_ < 0) return;
    uint32_t wanted = (reading() ? EPOLLIN : 0u) | (want_write_ ? EPOLLOUT : 0u);
    if (wanted == interest_) return;
    interest_ = wanted;
    loop_.modify(fd_, wanted, this);
  }

  // --- input ------------------------------------------------------------------------

  void read_input() {
    size_t capacity;
    char* buffer = thread_read_buffer(capacity);
    for (;;) {
      ssize_t n = ::recv(fd_, buffer, capacity, 0);
      if (n > 0) {
        take_input(std::string_view(buffer, static_cast<size_t>(n)));
        if (closed_ || !reading()) return;
        if (static_cast<size_t>(n) < capacity) return;  // drained; level-triggered epoll reports more
        continue;
      }
      if (n == 0) {
        on_end_of_input();
        return;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      close();  // a reset or another error: the client is gone
      return;
    }
  }

  void on_end_of_input() {
    // The client sends no more. Whatever it still waits for is sent, then we close; an
    // unfinished head or body will never complete.
    half_closed_ = true;
    bool answer_owed = phase_ == Phase::kAwaiting || phase_ == Phase::kClosing || output_sent_ < output_.size();
    if (!answer_owed || phase_ == Phase::kLingering || phase_ == Phase::kBody) {
      close();
      return;
    }
    if (phase_ != Phase::kAwaiting) {  // a keep-alive answer still flushing, or the last one
      phase_ = Phase::kClosing;
      close_after_flush_ = true;
    }
    update_interest();
  }

  // New bytes from the socket, parsed straight from the read buffer when nothing is
  // pending (the common case: one whole request per read).
  void take_input(std::string_view fresh) {
    switch (phase_) {
      case Phase::kClosing:
      case Phase::kLingering:
        return;  // dropped: no more requests are read on this connection
      case Phase::kAwaiting:
        pending_input_.append(fresh);
        pause_if_pipelined_too_far();
        return;
      case Phase::kHead:
      case Phase::kBody:
        break;
    }
    if (!pending_input_.empty()) {
      pending_input_.append(fresh);
      parse_pending();
      return;
    }
    size_t used = parse(fresh);
    if (!closed_ && reading_requests() && used < fresh.size()) {
      pending_input_.assign(fresh.substr(used));
      if (phase_ == Phase::kAwaiting) pause_if_pipelined_too_far();
    }
  }

  void parse_pending() {
    if (closed_ || (phase_ != Phase::kHead && phase_ != Phase::kBody) || pending_input_.empty()) return;
    size_t used = parse(pending_input_);
    if (closed_ || !reading_requests()) {
      pending_input_.clear();
      table_.release_if_large(pending_input_);
      return;
    }
    pending_input_.erase(0, used);
    if (pending_input_.empty()) table_.release_if_large(pending_input_);
    if (phase_ == Phase::kAwaiting) {
      pause_if_pipelined_too_far();
    } else if (half_closed_) {
      // The client sent its last bytes and they hold no complete request: nothing more
      // will come. Close once the output is out.
      phase_ = Phase::kClosing;
      close_after_flush_ = true;
      flush();
    }
  }

  bool reading_requests() const {
    return phase_ == Phase::kHead || phase_ == Phase::kBody || phase_ == Phase::kAwaiting;
  }

  void pause_if_pipelined_too_far() {
    if (pending_input_.size() < limits_.max_head_bytes + kPipelineSlack || reading_paused_) return;
    reading_paused_ = true;
    update_interest();
  }

  // Parses requests from `data` (which starts at a head, or inside the current body)
  // until it runs out or a request awaits its answer. Returns the bytes used.
  size_t parse(std::string_view data) {
    parsing_ = true;
    size_t used = 0;
    while (!closed_ && used < data.size()) {
      if (phase_ == Phase::kHead) {
        std::string_view head = data.substr(used);
        if (!head_started_) {
          // Empty lines before a request line are ignored (RFC 9112 2.2); they do not
          // start the head timeout, so a CRLF after a body costs nothing.
          size_t skipped = 0;
          while (skipped + 1 < head.size() && head[skipped] == '\r' && head[skipped + 1] == '\n') skipped += 2;
          used += skipped;
          head.remove_prefix(skipped);
          if (head.empty() || head == "\r") break;
          head_started_ = true;
          arm_read_timer(limits_.head_timeout);
        }
        auto status = head_reader_.read(head);
        if (status == RequestHeadReader::Status::kNeedMore) break;
        if (status == RequestHeadReader::Status::kBad) {
          reject(head_reader_.error_status(), head_reader_.error());
          break;
        }
        used += head_reader_.head_length();
        begin_request();
      } else if (phase_ == Phase::kBody) {
        used += read_body(data.substr(used));
      } else {
        break;  // awaiting an answer, or closing
      }
    }
    parsing_ = false;
    return used;
  }

  // A complete, well-formed head: judge it, then read its body or dispatch it.
  void begin_request() {
    MessageHead& head = head_reader_.head();
    const auto& policy = server_.options_.on_head;
    HeadDecision decision{limits_.max_body_bytes, std::nullopt, {}};
    head.peer_address = peer_address_;
    if (policy) {
      try {
        decision = policy(head);
      } catch (const std::exception& e) {
        reject(500, std::string("internal error judging the request: ") + e.what());
        return;
      }
    }
    request_.method = std::move(head.method);
    request_.target = std::move(head.target);
    request_.headers = std::move(head.headers);
    request_.keep_alive = head.keep_alive;
    request_.peer_address = peer_address_;
    bool has_body = head.has_body();
    if (decision.refuse) {
      answer_early(std::move(*decision.refuse), has_body);
      return;
    }
    accepted_headers_ = std::move(decision.response_headers);
    if (head.has_content_length && head.content_length > decision.body_limit) {
      reject(413, "request body of " + std::to_string(head.content_length) + " bytes exceeds the limit of " +
                      std::to_string(decision.body_limit) + " bytes");
      return;
    }
    if (!has_body) {
      dispatch();
      return;
    }
    if (head.has_content_length && !charge(head.content_length)) {
      reject(503, "too many request bodies in flight; retry shortly");
      return;
    }
    phase_ = Phase::kBody;
    body_limit_ = decision.body_limit;
    body_remaining_ = head.content_length;
    chunked_ = head.chunked;
    if (chunked_) decoder_.reset();
    arm_read_timer(limits_.body_timeout);
    // Any expectation other than 100-continue was already answered 417 by the head reader.
    if (head.expect_continue) {
      output_.append("HTTP/1.1 100 Continue\r\n\r\n");
      flush();
    }
  }

  size_t read_body(std::string_view data) {
    std::string& body = request_.body;
    if (!chunked_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(body_remaining_, data.size()));
      body.append(data.data(), n);
      body_remaining_ -= n;
      if (body_remaining_ == 0) dispatch();
      return n;
    }
    size_t before = body.size();
    size_t used = decoder_.feed(data, body, body_limit_);
    if (body.size() > before && !charge(body.size() - before)) {
      reject(503, "too many request bodies in flight; retry shortly");
      return data.size();
    }
    switch (decoder_.status()) {
      case ChunkedDecoder::Status::kNeedMore:
        break;
      case ChunkedDecoder::Status::kDone:
        dispatch();
        break;
      case ChunkedDecoder::Status::kBad:
        reject(400, "malformed chunked body: " + decoder_.error());
        return data.size();
      case ChunkedDecoder::Status::kTooLarge:
        reject(413, "request body exceeds the limit of " + std::to_string(body_limit_) + " bytes");
        return data.size();
    }
    return used;
  }

  bool charge(size_t bytes) {
    if (!server_.charge_body_bytes(bytes)) return false;
    body_charge_ += bytes;
    return true;
  }

  // Starts the handler's turn: from here on it owes the answer.
  void begin_answer() {
    phase_ = Phase::kAwaiting;
    ++request_number_;
    loop_.disarm(read_timer_);
    server_.in_flight_.fetch_add(1, std::memory_order_relaxed);
    request_keep_alive_ = request_.keep_alive;
    head_request_ = request_.method == "HEAD";
  }

  void dispatch() {
    begin_answer();
    Request request = std::move(request_);
    request_ = Request();
    server_.handler_(request, Responder(shared_from_this(), request_number_));
    table_.release_if_large(request.body);
  }

  // Answers a request without reading its body (if it has one, the connection then
  // closes after a lingering read).
  void answer_early(Response response, bool body_unread) {
    begin_answer();
    if (body_unread) {
      response.keep_alive = false;
      linger_after_flush_ = true;
    }
    send(request_number_, response);
  }

  // Answers a request the server itself refuses (malformed, too large, over budget) and
  // closes: after such an error the rest of the stream cannot be trusted.
  void reject(int status, const std::string& message) {
    if (phase_ == Phase::kAwaiting) return;  // cannot happen: parsing stops while awaiting
    Response response = error_response(status, message);
    begin_answer();
    head_request_ = false;
    linger_after_flush_ = true;
    send(request_number_, response);
  }

  // Releases what the current request held (its in-flight count and body budget).
  void end_request() {
    if (phase_ == Phase::kAwaiting) server_.in_flight_.fetch_sub(1, std::memory_order_relaxed);
    if (body_charge_ > 0) {
      server_.release_body_bytes(body_charge_);
      body_charge_ = 0;
    }
  }

  void complete_response(bool close_after) {
    end_request();
    accepted_headers_.clear();
    streaming_ = false;
    head_started_ = false;
    head_reader_.reset();
    table_.release_if_large(request_.body);
    // A half-closed client still gets answers to the requests it pipelined before its EOF.
    close_after_flush_ = close_after || (half_closed_ && pending_input_.empty());
    if (close_after_flush_) {
      phase_ = Phase::kClosing;
      pending_input_.clear();
      table_.release_if_large(pending_input_);
      if (reading_paused_) {
        reading_paused_ = false;  // read and drop the rest, so closing does not reset the answer away
        update_interest();
      }
      loop_.disarm(read_timer_);
      flush();
      return;
    }
    phase_ = Phase::kHead;
    flush();
    if (closed_) return;
    arm_read_timer(limits_.idle_timeout);
    if (reading_paused_) {
      reading_paused_ = false;
      update_interest();
    }
    if (!pending_input_.empty() && !parsing_) {
      // The next pipelined request, after this call returns (the handler may be on the stack).
      loop_.defer([self = shared_from_this()] { self->parse_pending(); });
    }
  }

  // --- output -----------------------------------------------------------------------

  void flush() {
    while (output_sent_ < output_.size()) {
      ssize_t n = ::send(fd_, output_.data() + output_sent_, output_.size() - output_sent_, MSG_NOSIGNAL);
      if (n > 0) {
        output_sent_ += static_cast<size_t>(n);
        last_write_progress_ = loop_.cached_now();
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (output_.size() - output_sent_ > limits_.max_unsent_bytes) {
          close();  // the reader is too slow to keep; never buffer without bound
          return;
        }
        if (!want_write_) {
          want_write_ = true;
          update_interest();
        }
        if (!write_timer_.armed()) {
          last_write_progress_ = loop_.cached_now();
          queued_at_last_check_ = kernel_queued_bytes();
          loop_.arm(write_timer_, last_write_progress_ + limits_.write_timeout);
        }
        return;
      }
      close();
      return;
    }
    output_.clear();
    output_sent_ = 0;
    table_.release_if_large(output_);
    if (write_timer_.armed()) loop_.disarm(write_timer_);
    if (want_write_) {
      want_write_ = false;
      update_interest();
    }
    if (close_after_flush_ && phase_ == Phase::kClosing) finish_connection();
  }

  // The timer is armed once per stall, not once per send: it checks on firing whether
  // bytes moved meanwhile, into the socket (our sends) or out of it (the kernel's send
  // queue shrank: the reader took some). A steady slow reader drains the kernel's
  // buffer long before there is room for our next send, so both count.
  void on_write_timer() {
    auto now = loop_.cached_now();
    size_t queued = kernel_queued_bytes();
    if (queued < queued_at_last_check_) last_write_progress_ = now;
    queued_at_last_check_ = queued;
    auto deadline = last_write_progress_ + limits_.write_timeout;
    if (deadline > now) {
      loop_.arm(write_timer_, deadline);
      return;
    }
    close();
  }

  // Bytes in the socket's send queue not yet taken by the peer.
  size_t kernel_queued_bytes() const {
    int queued = 0;
    if (fd_ < 0 || ::ioctl(fd_, SIOCOUTQ, &queued) != 0 || queued < 0) return 0;
    return static_cast<size_t>(queued);
  }

  // The last answer is out. If the client may still be sending a body we did not read,
  // closing now would reset the connection and could destroy the answer before the
  // client reads it: shut our side and drop its input for a while first.
  void finish_connection() {
    if (!linger_after_flush_ || half_closed_) {
      close();
      return;
    }
    phase_ = Phase::kLingering;
    ::shutdown(fd_, SHUT_WR);
    arm_read_timer(limits_.linger_timeout);
    update_interest();
  }

  HttpServer& server_;
  const ServerLimits& limits_;
  net::EventLoop& loop_;
  int fd_;
  Table& table_;
  RequestHeadReader head_reader_;
  ChunkedDecoder decoder_;
  net::Timer read_timer_;   // idle, head, body or linger deadline, by phase
  net::Timer write_timer_;  // no progress on pending output
  net::TimePoint last_write_progress_{};
  size_t queued_at_last_check_ = 0;

  Phase phase_ = Phase::kHead;
  std::string pending_input_;
  std::string output_;
  size_t output_sent_ = 0;
  Request request_;
  std::string peer_address_;
  Headers accepted_headers_;  // the head policy's additions to the current request's answer
  uint64_t request_number_ = 0;
  uint64_t body_remaining_ = 0;
  size_t body_limit_ = 0;
  size_t body_charge_ = 0;  // body bytes counted against the server's budget
  uint32_t interest_ = 0;
  bool closed_ = false;
  bool head_started_ = false;
  bool chunked_ = false;
  bool request_keep_alive_ = true;
  bool head_request_ = false;
  bool streaming_ = false;
  bool stream_close_after_ = false;
  bool close_after_flush_ = false;
  bool linger_after_flush_ = false;
  bool want_write_ = false;
  bool reading_paused_ = false;
  bool half_closed_ = false;
  bool parsing_ = false;
};

// --- Responder ---------------------------------------------------------------------

Responder::Responder(std::shared_ptr<ServerConnection> connection, uint64_t request_number)
    : connection_(std::move(connection)), request_number_(request_number) {}

void Responder::send(Response response) {
  if (connection_) connection_->send(request_number_, response);
}

void Responder::send(int status, std::string_view content_type, std::string body, const Headers& extra) {
  Response response;
  response.status = status;
  response.headers = extra;
  response.headers.add("Content-Type", std::string(content_type));
  response.body = std::move(body);
  send(std::move(response));
}

void Responder::start_stream(int status, std::string_view content_type, const Headers& extra) {
  if (connection_) connection_->start_stream(request_number_, status, content_type, extra);
}

bool Responder::write(std::string_view data) { return connection_ && connection_->write_chunk(request_number_, data); }

void Responder::finish() {
  if (connection_) connection_->finish_stream(request_number_);
}

void Responder::abort() {
  if (connection_) connection_->abort(request_number_);
}

bool Responder::alive() const { return connection_ && connection_->is_current(request_number_); }

net::EventLoop* Responder::loop() const { return connection_ ? &connection_->loop() : nullptr; }

// --- HttpServer ----------------------------------------------------------------------

namespace {

// Answers a connection we will not serve with a 503 and closes it. Reads what the client
// already sent first, so the close does not turn into a reset that hides the answer.
void refuse_connection(int fd, std::string_view reason) {
  char discard[4096];
  [[maybe_unused]] ssize_t r = ::recv(fd, discard, sizeof discard, MSG_DONTWAIT);
  std::string body = error_json(503, reason);
  std::string out =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  [[maybe_unused]] ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

// How long the listener rests when it cannot accept at all (no spare descriptor left).
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

}  // namespace

struct HttpServer::Worker final : net::IoHandler {
  HttpServer* server = nullptr;
  net::EventLoop loop;
  int listen_fd = -1;
  std::thread thread;
  ServerConnection::Table connections{loop};
  net::SpareDescriptor spare;
  net::Timer resume_accepting{[this] { on_resume_accepting(); }};

  void on_io(uint32_t) override {
    for (;;) {
      int fd = net::accept_connection(listen_fd);
      if (fd < 0) {
        int error = errno;
        if (error == EAGAIN || error == EWOULDBLOCK) return;
        if (error == EINTR || error == ECONNABORTED || error == EPROTO) continue;
        if (error == EMFILE || error == ENFILE) {
          // accept fails so even with an empty backlog: the descriptor is taken first.
          Shed shed = shed_one();
          if (shed == Shed::kShed) continue;
          if (shed == Shed::kBacklogEmpty) return;
        }
        // Cannot accept now: rest instead of spinning on a listener that stays readable.
        loop.modify(listen_fd, 0, this);
        loop.arm_after(resume_accepting, kAcceptBackoff);
        return;
      }
      if (server->connections_.load(std::memory_order_relaxed) >= server->options_.limits.max_connections ||
          server->draining()) {
        // Over the bound: answer 503 at once rather than queueing without limit.
        refuse_connection(fd, "too many open connections");
        continue;
      }
      server->connections_.fetch_add(1, std::memory_order_relaxed);
      auto connection = std::make_shared<ServerConnection>(*server, loop, fd, connections);
      connections.add(connection);
      connection->start();
    }
  }

  enum class Shed { kShed, kBacklogEmpty, kCannot };

  // Out of descriptors: gives up the spare to accept one connection and refuse it.
  // kCannot when that is not possible (no spare, or the freed slot was taken meanwhile).
  Shed shed_one() {
    if (!spare.held()) return Shed::kCannot;
    spare.release();
    int fd = net::accept_connection(listen_fd);
    bool backlog_empty = fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (fd >= 0) refuse_connection(fd, "server out of file descriptors; retry shortly");
    if (!spare.reacquire()) return Shed::kCannot;
    if (backlog_empty) return Shed::kBacklogEmpty;
    return fd >= 0 ? Shed::kShed : Shed::kCannot;
  }

  void on_resume_accepting() {
    if (listen_fd < 0) return;
    spare.reacquire();
    loop.modify(listen_fd, EPOLLIN, this);
  }

  void stop_listening() {
    if (listen_fd >= 0) {
      loop.disarm(resume_accepting);
      loop.remove(listen_fd);
      ::close(listen_fd);
      listen_fd = -1;
    }
  }
};

HttpServer::HttpServer(Options options, RequestHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.threads < 1) options_.threads = 1;
}

HttpServer::~HttpServer() {
  if (started_ && !draining()) shutdown(std::chrono::milliseconds(0));
}

bool HttpServer::charge_body_bytes(size_t bytes) {
  const size_t budget = options_.limits.max_body_bytes_in_flight;
  size_t current = body_bytes_in_flight_.load(std::memory_order_relaxed);
  for (;;) {
    // A body larger than the whole budget would never fit; it may pass alone.
    bool fits = current + bytes <= budget || current == 0;
    if (!fits) return false;
    if (body_bytes_in_flight_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed)) return true;
  }
}

void HttpServer::start() {
  net::SocketAddress address = net::resolve(options_.host, options_.port);
  uint16_t port = options_.port;
  for (int i = 0; i < options_.threads; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->server = this;
    // The first listener picks the port when asked for port 0; the rest share it.
    net::SocketAddress bind_address = address;
    if (i > 0 && port != options_.port) bind_address = net::resolve(options_.host, port);
    worker->listen_fd = net::listen_tcp(bind_address, options_.threads > 1);
    if (i == 0) port = net::local_port(worker->listen_fd);
    worker->loop.add(worker->listen_fd, EPOLLIN, worker.get());
    workers_.push_back(std::move(worker));
  }
  port_ = port;
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([w] { w->loop.run(); });
  }
  started_ = true;
}

std::vector<net::EventLoop*> HttpServer::loops() const {
  std::vector<net::EventLoop*> result;
  for (const auto& worker : workers_) result.push_back(&worker->loop);
  return result;
}

void HttpServer::shutdown(std::chrono::milliseconds grace) {
  if (!started_ || stopped_.exchange(true, std::memory_order_acq_rel)) return;
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->loop.post([w] {
      w->stop_listening();
      std::vector<std::shared_ptr<ServerConnection>> all;
      for (auto& [raw, connection] : w->connections.connections) all.push_back(connection);
      for (auto& connection : all) connection->drain();
    });
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->loop.post([w] {
      std::vector<std::shared_ptr<ServerConnection>> all;
      for (auto& [raw, connection] : w->connections.connections) all.push_back(connection);
      for (auto& connection : all) connection->close();
      w->loop.stop();
    });
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  for (auto& worker : workers_) worker->connections.connections.clear();
}

}  // namespace ragscale::http
