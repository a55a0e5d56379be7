// The HTTP client connection over TLS against a real OpenSSL server on loopback, with a
// self-signed certificate made for the test (for "localhost" and 127.0.0.1).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/client_connection.h"
#include "http/request_format.h"
#include "http/server.h"
#include "net/socket.h"
#include "net/tls_context.h"

namespace ragscale::http {
namespace {

// A self-signed certificate for localhost and 127.0.0.1, with its key, and the certificate
// as a PEM file for --ca-file.
struct TestCertificate {
  EVP_PKEY* key = nullptr;
  X509* certificate = nullptr;
  std::string pem_path;

  TestCertificate() {
    key = EVP_EC_gen("P-256");
    certificate = X509_new();
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), -60);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
    X509_set_pubkey(certificate, key);
    X509_NAME* name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1,
                               -1, 0);
    X509_set_issuer_name(certificate, name);
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* names =
        X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    X509_add_ext(certificate, names, -1);
    X509_EXTENSION_free(names);
    X509_sign(certificate, key, EVP_sha256());

    char path[] = "/tmp/ragscale-tls-test-XXXXXX";
    int fd = ::mkstemp(path);
    pem_path = path;
    FILE* file = ::fdopen(fd, "w");
    PEM_write_X509(file, certificate);
    std::fclose(file);
  }
  ~TestCertificate() {
    ::unlink(pem_path.c_str());
    X509_free(certificate);
    EVP_PKEY_free(key);
  }
};

const TestCertificate& certificate() {
  static TestCertificate shared;
  return shared;
}

// A blocking listening socket on a free port of 127.0.0.1.
int listen_on_loopback(uint16_t& port) {
  int fd = net::listen_tcp(net::resolve("127.0.0.1", 0), false, 64);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  port = net::local_port(fd);
  return fd;
}

// An HTTPS/1.1 server: one blocking thread per connection. It answers every request with
// "ok <body bytes>", "/big" with 200,000 bytes, and "/close" with Connection: close.
class TlsServer {
 public:
  TlsServer() {
    std::signal(SIGPIPE, SIG_IGN);  // the blocking server writes with OpenSSL's socket BIO
    context_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(context_, certificate().certificate);
    SSL_CTX_use_PrivateKey(context_, certificate().key);
    listen_fd_ = listen_on_loopback(port_);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~TlsServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::lock_guard lock(mutex_);
    for (auto& thread : connections_) thread.join();
    SSL_CTX_free(context_);
  }

  uint16_t port() const { return port_; }
  int handshakes() const { return handshakes_; }
  int resumed() const { return resumed_; }

 private:
  void accept_loop() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      timeval limit{10, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      std::lock_guard lock(mutex_);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    SSL* ssl = SSL_new(context_);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      ++handshakes_;
      if (SSL_session_reused(ssl) == 1) ++resumed_;
      answer_requests(ssl);
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ERR_clear_error();
    ::close(fd);
  }

  static void answer_requests(SSL* ssl) {
    std::string input;
    char buffer[16384];
    for (;;) {
      size_t head_end;
      while ((head_end = input.find("\r\n\r\n")) == std::string::npos) {
        int n = SSL_read(ssl, buffer, sizeof buffer);
        if (n <= 0) return;
        input.append(buffer, static_cast<size_t>(n));
      }
      const std::string head = input.substr(0, head_end);
      size_t body_length = 0;
      if (size_t at = head.find("Content-Length: "); at != std::string::npos) {
        body_length = std::strtoul(head.c_str() + at + 16, nullptr, 10);
      }
      while (input.size() < head_end + 4 + body_length) {
        int n = SSL_read(ssl, buffer, sizeof buffer);
        if (n <= 0) return;
        input.append(buffer, static_cast<size_t>(n));
      }
      input.erase(0, head_end + 4 + body_length);
      const std::string path = head.substr(head.find(' ') + 1, head.find(' ', head.find(' ') + 1) - head.find(' ') - 1);
      const bool close = path == "/close";
      const std::string body = path == "/big" ? std::string(200000, 'x') : "ok " + std::to_string(body_length);
      const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                                   (close ? "Connection: close\r\n" : "") + "\r\n" + body;
      for (size_t written = 0; written < response.size();) {
        int n = SSL_write(ssl, response.data() + written, static_cast<int>(response.size() - written));
        if (n <= 0) return;
        written += static_cast<size_t>(n);
      }
      if (close) return;
    }
  }

  SSL_CTX* context_ = nullptr;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::atomic<int> handshakes_{0};
  std::atomic<int> resumed_{0};
};

// Runs a client loop on the test thread; each completion may send the next request.
struct Client : ClientConnection::Listener {
  net::EventLoop loop;
  std::vector<ClientResult> results;
  std::vector<std::string> bodies;
  std::vector<std::string> requests;  // sent in order, one per completion
  std::vector<bool> resumed;          // connection.tls_resumed() after each completion
  ClientConnection::RequestOptions options;

  Client() { options.capture_body = true; }

  void on_response(ClientConnection& connection, const ClientResult& result) override {
    results.push_back(result);
    bodies.emplace_back(result.body);
    resumed.push_back(connection.tls_resumed());
    if (results.size() < requests.size()) {
      connection.send(requests[results.size()], options);
    } else {
      loop.stop();
    }
  }

  // Sends `paths` one after another on `connection`; returns when all completed.
  void run(ClientConnection& connection, const std::vector<std::string>& paths, std::string method = "GET",
           std::string body = "") {
    for (const auto& path : paths) requests.push_back(format_request(method, path, "localhost", {}, body));
    connection.send(requests[0], options);
    net::Timer guard([this] { loop.stop(); });
    loop.arm_after(guard, std::chrono::seconds(10));
    loop.run();
    loop.disarm(guard);
  }
};

net::TlsOptions trusting_the_test_certificate() {
  net::TlsOptions options;
  options.ca_file = certificate().pem_path;
  return options;
}

// A TLS context and one connection to 127.0.0.1:port speaking TLS to `server_name`.
struct TlsClient {
  net::TlsContext tls;
  Client client;
  ClientConnection connection;

  TlsClient(uint16_t port, const net::TlsOptions& options, std::string server_name = "localhost")
      : tls(options), connection(client.loop, net::resolve("127.0.0.1", port), &client) {
    connection.use_tls(tls, std::move(server_name));
  }
  void run(const std::vector<std::string>& paths, std::string method = "GET", std::string body = "") {
    client.run(connection, paths, std::move(method), std::move(body));
  }
  const std::vector<ClientResult>& results() const { return client.results; }
};

TEST(ClientConnectionTls, KeepAliveRequestsShareOneHandshake) {
  TlsServer server;
  TlsClient c(server.port(), trusting_the_test_certificate());
  c.run({"/a", "/big", "/b"});
  ASSERT_EQ(c.results().size(), 3u);
  for (const auto& result : c.results()) {
    EXPECT_EQ(result.error, ClientError::kNone) << result.error_detail;
    EXPECT_EQ(result.status, 200);
  }
  EXPECT_EQ(c.client.bodies[0], "ok 0");
  EXPECT_EQ(c.results()[1].body_bytes, 200000u);  // many records, read ahead
  EXPECT_EQ(c.client.bodies[2], "ok 0");
  EXPECT_EQ(c.connection.connects(), 1u);
  EXPECT_EQ(c.tls.handshakes(), 1u);
  EXPECT_EQ(server.handshakes(), 1);
}

TEST(ClientConnectionTls, LargeRequestBodyGoesOutWhole) {
  TlsServer server;
  TlsClient c(server.port(), trusting_the_test_certificate());
  c.run({"/upload", "/upload"}, "POST", std::string(3'000'000, 'b'));
  ASSERT_EQ(c.results().size(), 2u);
  EXPECT_EQ(c.results()[0].error, ClientError::kNone) << c.results()[0].error_detail;
  EXPECT_EQ(c.client.bodies[0], "ok 3000000");
  EXPECT_EQ(c.client.bodies[1], "ok 3000000");
}

TEST(ClientConnectionTls, ReconnectsResumeTheSession) {
  TlsServer server;
  TlsClient c(server.port(), trusting_the_test_certificate());
  c.run({"/close", "/close", "/close"});  // the server closes after each answer
  ASSERT_EQ(c.results().size(), 3u);
  for (const auto& result : c.results()) EXPECT_EQ(result.error, ClientError::kNone) << result.error_detail;
  EXPECT_EQ(c.connection.connects(), 3u);
  EXPECT_EQ(c.client.resumed, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(c.tls.handshakes(), 3u);
  EXPECT_EQ(c.tls.resumed(), 2u);
  EXPECT_EQ(server.resumed(), 2);
}

TEST(ClientConnectionTls, IpAddressTargetsAreCheckedAgainstTheCertificate) {
  TlsServer server;
  TlsClient c(server.port(), trusting_the_test_certificate(), "127.0.0.1");
  c.run({"/"});
  ASSERT_EQ(c.results().size(), 1u);
  EXPECT_EQ(c.results()[0].error, ClientError::kNone) << c.results()[0].error_detail;
}

TEST(ClientConnectionTls, UntrustedCertificateIsItsOwnKindOfFailure) {
  TlsServer server;
  TlsClient c(server.port(), net::TlsOptions{});  // the system trust store knows nothing of it
  c.run({"/"});
  ASSERT_EQ(c.results().size(), 1u);
  EXPECT_EQ(c.results()[0].error, ClientError::kTlsCertificate);
  EXPECT_EQ(c.results()[0].error_detail, "certificate verify failed: self-signed certificate");
  EXPECT_FALSE(c.results()[0].connected);  // no byte of the request was sent
  EXPECT_EQ(c.tls.handshakes(), 0u);
}

TEST(ClientConnectionTls, CertificateForAnotherNameIsRejected) {
  TlsServer server;
  TlsClient c(server.port(), trusting_the_test_certificate(), "api.example.test");
  c.run({"/"});
  ASSERT_EQ(c.results().size(), 1u);
  EXPECT_EQ(c.results()[0].error, ClientError::kTlsCertificate);
  EXPECT_NE(c.results()[0].error_detail.find("hostname mismatch"), std::string::npos)
      << c.results()[0].error_detail;
}

TEST(ClientConnectionTls, InsecureAcceptsAnyCertificate) {
  TlsServer server;
  net::TlsOptions insecure;
  insecure.verify = false;
  TlsClient c(server.port(), insecure, "api.example.test");
  c.run({"/", "/"});
  ASSERT_EQ(c.results().size(), 2u);
  for (const auto& result : c.results()) EXPECT_EQ(result.error, ClientError::kNone) << result.error_detail;
}

TEST(ClientConnectionTls, PlainHttpServerIsAHandshakeFailure) {
  HttpServer::Options options;
  options.host = "127.0.0.1";
  options.port = 0;
  HttpServer server(options, [](Request&, Responder responder) { responder.send(200, "text/plain", "plain"); });
  server.start();
  TlsClient c(server.port(), trusting_the_test_certificate());
  c.run({"/"});
  ASSERT_EQ(c.results().size(), 1u);
  EXPECT_EQ(c.results()[0].error, ClientError::kTlsHandshake);
  EXPECT_NE(c.results()[0].error_detail.find("wrong version number"), std::string::npos)
      << c.results()[0].error_detail;
  server.shutdown(std::chrono::milliseconds(100));
}

TEST(ClientConnectionTls, ConnectTimeoutCoversTheHandshake) {
  // A listener that never accepts: the kernel completes TCP, nobody answers the ClientHello.
  uint16_t port = 0;
  int listener = listen_on_loopback(port);
  TlsClient c(port, trusting_the_test_certificate());
  c.client.options.connect_timeout = std::chrono::milliseconds(150);
  c.run({"/"});
  ASSERT_EQ(c.results().size(), 1u);
  EXPECT_EQ(c.results()[0].error, ClientError::kTimeout);
  EXPECT_EQ(c.results()[0].timeout, ClientTimeout::kConnect);
  EXPECT_EQ(c.results()[0].error_detail, "connect timed out after 150 ms (in the TLS handshake)");
  ::close(listener);
}

}  // namespace
}  // namespace ragscale::http
