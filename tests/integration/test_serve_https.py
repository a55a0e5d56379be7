"""`ragscale serve` calling its model backend over HTTPS: the real sim behind a real nginx
that terminates TLS with a self-signed certificate (made here with the openssl command
line). The backend client verifies the certificate against the system trust store, which
OpenSSL's SSL_CERT_FILE points at the test certificate."""
import os
import shutil
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest

from processes import ProcessesTestCase, Serve, Sim, metric

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl")


class TlsProxy:
    """nginx on a free port terminating TLS in front of http://127.0.0.1:BACKEND_PORT."""

    def __init__(self, backend_port):
        self.dir = tempfile.mkdtemp(prefix="ragscale-tls-proxy-")
        self.cert = os.path.join(self.dir, "cert.pem")
        key = os.path.join(self.dir, "key.pem")
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", self.cert,
                        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                       check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = os.path.join(self.dir, "nginx.conf")
        with open(config, "w") as f:
            f.write(textwrap.dedent("""\
                worker_processes 1;
                daemon off;
                pid %(dir)s/nginx.pid;
                error_log %(dir)s/error.log;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  server {
                    listen 127.0.0.1:%(port)d ssl;
                    ssl_certificate %(cert)s;
                    ssl_certificate_key %(key)s;
                    location / {
                      proxy_pass http://127.0.0.1:%(backend)d;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                    }
                  }
                }
                """) % {"dir": self.dir, "port": self.port, "cert": self.cert, "key": key, "backend": backend_port})
        self.process = subprocess.Popen([NGINX, "-c", config, "-p", self.dir], stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = "https://localhost:%d" % self.port

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


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


@unittest.skipUnless(os.path.exists(NGINX) and OPENSSL, "needs nginx and openssl (make test-deps installs them)")
class ServeHttpsBackendTest(ProcessesTestCase):
    def setUp(self):
        super().setUp()
        self.sim = self.start(Sim())
        self.proxy = self.start(TlsProxy(self.sim.port))

    def test_an_https_model_backend_with_a_trusted_certificate_answers(self):
        serve = self.start(serve_with_environment({"SSL_CERT_FILE": self.proxy.cert}, "--llm-url", self.proxy.url))
        status, _, answer = serve.query("What do circuit breakers do?")
        self.assertEqual(status, 200, answer)
        self.assertFalse(answer["degraded"], answer)
        self.assertGreaterEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="success"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="error"'), 0)

    def test_an_untrusted_certificate_is_a_backend_error(self):
        serve = self.start(serve_with_environment({"SSL_CERT_FILE": "/nonexistent.pem"}, "--llm-url", self.proxy.url))
        status, _, answer = serve.query("What do circuit breakers do?")
        self.assertEqual(status, 200, answer)
        self.assertTrue(answer["degraded"], answer)  # the extractive answer instead
        self.assertGreaterEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="error"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_backend_requests_total", 'outcome="success"'), 0)


if __name__ == "__main__":
    unittest.main()
