#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <unistd.h>

namespace ragscale::net {

namespace {

std::string last_openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

}  // namespace

TlsContext::TlsContext(const TlsOptions& options) : options_(options) {
  context_ = SSL_CTX_new(TLS_client_method());
  if (context_ == nullptr) throw std::runtime_error("TLS: cannot create a context: " + last_openssl_reason());
  SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
  // Partial writes let a large request go out record by record without copying it;
  // the moving buffer allows the retry after WANT_WRITE to pass the same bytes anew.
  // Released buffers: an idle connection holds no 17 KB read and write buffers (about
  // 21 KB per idle TLS user instead of 36 KB, for two allocations per request).
  SSL_CTX_set_mode(context_,
                   SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // Read as much as the socket holds in one recv, not a record header and then its body.
  SSL_CTX_set_read_ahead(context_, 1);
  // A server that closes without close_notify ends the stream like a plain EOF: HTTP
  // framing (Content-Length, chunked) says whether the response was complete.
  SSL_CTX_set_options(context_, SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Sessions are kept by each connection for its own reconnects (TlsStream), not in a
  // context-wide cache every thread would lock.
  SSL_CTX_set_session_cache_mode(context_, SSL_SESS_CACHE_OFF);

  if (!options_.verify) {
    SSL_CTX_set_verify(context_, SSL_VERIFY_NONE, nullptr);
    return;
  }
  SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
  bool loaded = false;
  if (options_.ca_file.empty()) {
    loaded = SSL_CTX_set_default_verify_paths(context_) == 1;
  } else {
    if (::access(options_.ca_file.c_str(), R_OK) != 0) {
      std::string reason = std::strerror(errno);
      SSL_CTX_free(context_);
      throw std::invalid_argument("--ca-file " + options_.ca_file + ": " + reason +
                                  "; give a readable PEM file holding the server's certificate or its CA");
    }
    loaded = SSL_CTX_load_verify_locations(context_, options_.ca_file.c_str(), nullptr) == 1;
  }
  if (!loaded) {
    std::string reason = last_openssl_reason();
    SSL_CTX_free(context_);
    if (options_.ca_file.empty()) throw std::runtime_error("TLS: cannot load the system trust store: " + reason);
    throw std::invalid_argument("--ca-file " + options_.ca_file + ": no certificate could be read (" + reason +
                                "); give a PEM file holding the server's certificate or its CA");
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(context_); }

}  // namespace ragscale::net
