#include "net/tls_stream.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

#include "net/tls_context.h"

namespace ragscale::net {

namespace {

// A socket BIO that sends with MSG_NOSIGNAL (OpenSSL's own uses write(), which raises
// SIGPIPE when the peer has gone) and reads with recv(); the descriptor is the BIO's data.
int socket_of(BIO* bio) { return static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio))); }

int bio_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::send(socket_of(bio), data, static_cast<size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::recv(socket_of(bio), data, static_cast<size_t>(size), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) BIO_set_retry_read(bio);
  if (n == 0) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
  return static_cast<int>(n);
}

long bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_EOF: return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default: return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* created = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ragscale socket");
    BIO_meth_set_write(created, bio_write);
    BIO_meth_set_read(created, bio_read);
    BIO_meth_set_ctrl(created, bio_ctrl);
    BIO_meth_set_create(created, bio_create);
    return created;
  }();
  return method;
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

std::string reason_text(unsigned long code) {
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "error " + std::to_string(code);
}

}  // namespace

TlsStream::TlsStream(TlsContext& context, std::string server_name)
    : context_(context), server_name_(std::move(server_name)), server_name_is_ip_(is_ip_literal(server_name_)) {}

TlsStream::~TlsStream() {
  end();
  SSL_SESSION_free(saved_session_);
}

bool TlsStream::start(int fd) {
  end();
  certificate_rejected_ = false;
  resumed_ = false;
  failure_.clear();
  ssl_ = SSL_new(context_.native());
  BIO* bio = ssl_ != nullptr ? BIO_new(socket_method()) : nullptr;
  if (bio == nullptr) {
    failure_ = "cannot create a TLS session: " + reason_text(ERR_peek_last_error());
    ERR_clear_error();
    end();
    return false;
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(fd)));
  SSL_set_bio(ssl_, bio, bio);
  SSL_set_connect_state(ssl_);
  bool named = true;
  if (server_name_is_ip_) {
    if (context_.verifies()) named = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), server_name_.c_str()) == 1;
  } else if (!server_name_.empty()) {
    named = SSL_set_tlsext_host_name(ssl_, server_name_.c_str()) == 1;
    if (named && context_.verifies()) named = SSL_set1_host(ssl_, server_name_.c_str()) == 1;
  }
  if (!named) {
    failure_ = "cannot use '" + server_name_ + "' as the TLS server name";
    ERR_clear_error();
    end();
    return false;
  }
  if (saved_session_ != nullptr) SSL_set_session(ssl_, saved_session_);
  return true;
}

int TlsStream::handshake() {
  int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    resumed_ = SSL_session_reused(ssl_) == 1;
    context_.count_handshake(resumed_);
    return 1;
  }
  if (must_wait(SSL_get_error(ssl_, result), handshake_wants_write_)) return 0;
  record_failure(result, true);
  // Whatever went wrong, the next attempt starts from a full handshake.
  SSL_SESSION_free(saved_session_);
  saved_session_ = nullptr;
  return -1;
}

bool TlsStream::must_wait(int error, bool& wants_write) {
  if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) return false;
  wants_write = error == SSL_ERROR_WANT_WRITE;
  errno = EAGAIN;
  return true;
}

ssize_t TlsStream::read(char* buffer, size_t capacity) {
  int n = SSL_read(ssl_, buffer, static_cast<int>(capacity < INT_MAX ? capacity : INT_MAX));
  if (n > 0) return n;
  const int error = SSL_get_error(ssl_, n);
  if (must_wait(error, read_wants_write_)) return -1;
  if (error == SSL_ERROR_ZERO_RETURN) return 0;
  errno = record_failure(n, false);
  return errno == 0 ? 0 : -1;
}

ssize_t TlsStream::write(const char* data, size_t size) {
  int n = SSL_write(ssl_, data, static_cast<int>(size < INT_MAX ? size : INT_MAX));
  if (n > 0) return n;
  if (must_wait(SSL_get_error(ssl_, n), write_wants_write_)) return -1;
  const int error = record_failure(n, false);
  errno = error == 0 ? EPIPE : error;
  return -1;
}

bool TlsStream::pending() const { return ssl_ != nullptr && SSL_has_pending(ssl_) == 1; }

int TlsStream::record_failure(int result, bool handshaking) {
  const int saved_errno = errno;
  const int kind = SSL_get_error(ssl_, result);
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  const long verify = SSL_get_verify_result(ssl_);
  if (handshaking && context_.verifies() && verify != X509_V_OK) {
    certificate_rejected_ = true;
    failure_ = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      failure_ += " (the certificate is not for " + server_name_ + ")";
    }
    return ECONNABORTED;
  }
  if (kind == SSL_ERROR_SSL && code != 0) {
    failure_ = reason_text(code);
    if (ERR_GET_REASON(code) == SSL_R_WRONG_VERSION_NUMBER) failure_ += " (is the port serving TLS?)";
    return EPROTO;
  }
  if (kind == SSL_ERROR_SYSCALL && saved_errno != 0) {
    failure_ = std::strerror(saved_errno);
    return saved_errno;
  }
  // EOF where OpenSSL did not expect one.
  failure_ = handshaking ? "the server closed the connection during the TLS handshake" : "connection closed";
  return handshaking ? ECONNRESET : 0;
}

void TlsStream::end() {
  if (ssl_ == nullptr) return;
  SSL_SESSION* session = SSL_is_init_finished(ssl_) == 1 ? SSL_get1_session(ssl_) : nullptr;
  if (session != nullptr) {
    if (SSL_SESSION_is_resumable(session) == 1) {
      SSL_SESSION_free(saved_session_);
      saved_session_ = session;
    } else {
      SSL_SESSION_free(session);
    }
  }
  // Closing without close_notify must not mark the session unusable (OpenSSL drops the
  // session of a connection that was not shut down); nothing is sent here.
  SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  SSL_free(ssl_);
  ssl_ = nullptr;
  handshake_wants_write_ = read_wants_write_ = write_wants_write_ = false;
}

}  // namespace ragscale::net
