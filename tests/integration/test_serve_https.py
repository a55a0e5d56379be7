"""`ragscale serve` calling its model backend over HTTPS: the real sim behind a real nginx
that terminates TLS with a self-signed certificate (made here with the openssl command
line). The backend client verifies the certificate against the system trust store, which
OpenSSL's SSL_CERT_FILE points at the test certificate."""
import os
import unittest

import tls_nginx
from processes import ProcessesTestCase, Serve, Sim, metric


class TlsProxy(tls_nginx.TlsNginx):
    """nginx terminating TLS in front of http://127.0.0.1:BACKEND_PORT."""

    def __init__(self, backend_port):
        super().__init__("proxy_pass http://127.0.0.1:%d; proxy_http_version 1.1; proxy_set_header Connection \"\"; "
                         "proxy_buffering off;" % backend_port)


def serve_with_environment(environment, *args):
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        return Serve(*args)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@unittest.skipUnless(tls_nginx.available(), "needs nginx and openssl (make test-deps installs them)")
class ServeHttpsBackendTest(ProcessesTestCase):
    def setUp(self):
        super().setUp()
        self.sim = self.start(Sim())
        self.proxy = self.start(TlsProxy(self.sim.port))

    def test_an_https_model_backend_with_a_trusted_certificate_answers(self):
        serve = self.start(serve_with_environment({"SSL_CERT_FILE": self.proxy.cert},
                                                  "--llm-url", self.proxy.url("localhost")))
        status, _, answer = serve.query("What do circuit breakers do?")
        self.assertEqual(status, 200, answer)
        self.assertFalse(answer["degraded"], answer)
        self.assertGreaterEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="success"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="error"'), 0)

    def test_an_untrusted_certificate_is_a_backend_error(self):
        serve = self.start(serve_with_environment({"SSL_CERT_FILE": "/nonexistent.pem"},
                                                  "--llm-url", self.proxy.url("localhost")))
        status, _, answer = serve.query("What do circuit breakers do?")
        self.assertEqual(status, 200, answer)
        self.assertTrue(answer["degraded"], answer)  # the extractive answer instead
        self.assertGreaterEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="error"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="success"'), 0)


if __name__ == "__main__":
    unittest.main()
