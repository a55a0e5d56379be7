// TlsContext: the client side of TLS for one run or one worker thread: one OpenSSL
// SSL_CTX holding the trust anchors and the protocol settings every connection shares.
//
// Contract:
// - TLS 1.2 or newer. The server's certificate chain is verified against the system trust
//   store, or against `ca_file` alone when it is given; `verify = false` (--insecure)
//   accepts any certificate. Host names are checked by each TlsStream.
// - Construction throws std::invalid_argument, with a message naming the file and the fix,
//   when the CA file cannot be read or holds no certificate.
// - Connections count their handshakes here (count_handshake); the counters are atomic, so
//   a context shared by several threads still counts right. Nothing else is shared state.
// - The context must outlive every TlsStream made from it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

struct ssl_ctx_st;

namespace ragscale::net {

struct TlsOptions {
  bool verify = true;   // false: accept any certificate (--insecure)
  std::string ca_file;  // PEM trust anchors replacing the system store; empty = the system store
};

class TlsContext {
 public:
  explicit TlsContext(const TlsOptions& options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* native() const { return context_; }
  bool verifies() const { return options_.verify; }
  const TlsOptions& options() const { return options_; }

  void count_handshake(bool resumed) {
    handshakes_.fetch_add(1, std::memory_order_relaxed);
    if (resumed) resumed_.fetch_add(1, std::memory_order_relaxed);
  }
  // Completed handshakes, and how many of them resumed an earlier session.
  uint64_t handshakes() const { return handshakes_.load(std::memory_order_relaxed); }
  uint64_t resumed() const { return resumed_.load(std::memory_order_relaxed); }

 private:
  TlsOptions options_;
  ssl_ctx_st* context_ = nullptr;
  std::atomic<uint64_t> handshakes_{0};
  std::atomic<uint64_t> resumed_{0};
};

}  // namespace ragscale::net
