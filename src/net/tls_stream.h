// TlsStream: the TLS client session of one connection, over one non-blocking socket at a
// time, driven by the connection's event loop. A connection that reconnects keeps its
// TlsStream: end() keeps the session the socket finished with, and the next start()
// offers it to the server, so a user's reconnects resume (no certificate exchange).
//
// Contract:
// - start(fd) begins a session on a connected socket: SNI and a host-name check for a
//   name, an IP-address check for an address literal (no SNI, as RFC 6066 asks), the
//   saved session offered. handshake() is then called until it returns 1 (done) or -1
//   (failed); 0 means wait for the socket: readable, or writable when
//   handshake_wants_write().
// - read() and write() behave like recv() and send() on the socket: > 0 bytes, read() 0 at
//   the end of the stream (close_notify or EOF), -1 with errno EAGAIN when the socket must
//   become ready first (writable when read_wants_write() / write_wants_write(), else
//   readable) and any other errno on failure (EPROTO for a TLS error), with failure()
//   saying what happened. A write blocked with EAGAIN must be retried with the same bytes.
// - pending(): a read would return bytes without waiting for the socket (read ahead).
// - After a failed handshake, certificate_rejected() says whether the certificate was
//   refused (failure() then reads "certificate verify failed: <OpenSSL's reason>") or the
//   handshake failed otherwise; the saved session is dropped.
// - end() must be called before the socket is closed; it sends nothing.
// - Socket writes use MSG_NOSIGNAL: a peer that went away never raises SIGPIPE.
// - OpenSSL's per-thread error queue is left empty after every failure reported here.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

struct ssl_st;
struct ssl_session_st;

namespace ragscale::net {

class TlsContext;

class TlsStream {
 public:
  TlsStream(TlsContext& context, std::string server_name);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  bool start(int fd);
  int handshake();
  ssize_t read(char* buffer, size_t capacity);
  ssize_t write(const char* data, size_t size);
  bool pending() const;
  void end();

  bool active() const { return ssl_ != nullptr; }
  bool handshake_wants_write() const { return handshake_wants_write_; }
  bool read_wants_write() const { return read_wants_write_; }
  bool write_wants_write() const { return write_wants_write_; }
  bool certificate_rejected() const { return certificate_rejected_; }
  const std::string& failure() const { return failure_; }
  // The last completed handshake resumed the saved session.
  bool resumed() const { return resumed_; }
  const std::string& server_name() const { return server_name_; }

 private:
  // For SSL_get_error's WANT_READ / WANT_WRITE: records the direction, sets errno to EAGAIN.
  static bool must_wait(int error, bool& wants_write);
  // Records why an SSL call that returned `result` failed; returns the errno to report.
  int record_failure(int result, bool handshaking);

  TlsContext& context_;
  std::string server_name_;
  bool server_name_is_ip_ = false;
  ssl_st* ssl_ = nullptr;
  ssl_session_st* saved_session_ = nullptr;
  bool handshake_wants_write_ = false;
  bool read_wants_write_ = false;
  bool write_wants_write_ = false;
  bool certificate_rejected_ = false;
  bool resumed_ = false;
  std::string failure_;
};

}  // namespace ragscale::net
