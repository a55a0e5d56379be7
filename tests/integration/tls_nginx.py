"""A real nginx on loopback for the integration tests: Nginx serves any http block on a free
port; TlsNginx serves TLS with a self-signed certificate made by the openssl command line,
for the HTTPS tests (ragscale load's targets, serve's backends)."""
import os
import shutil
import socket
import subprocess
import tempfile
import textwrap
import time

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl")


def available():
    return os.path.exists(NGINX) and OPENSSL is not None


class Nginx:
    """nginx (one worker) on a free port of 127.0.0.1, its files in `self.dir` (readable by
    nginx's unprivileged worker). `http(port, dir)` returns the body of its http block (after
    `access_log off;`), e.g. a server block listening on 127.0.0.1:port."""

    def __init__(self, http, directory=None):
        self.dir = directory or tempfile.mkdtemp(prefix="ragscale-nginx-")
        os.chmod(self.dir, 0o755)
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
                events { worker_connections 4096; }
                http {
                  access_log off;
                """) % {"dir": self.dir} + http(self.port, self.dir) + "\n}\n")
        self.process = subprocess.Popen([NGINX, "-c", config, "-p", self.dir], stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise AssertionError("nginx did not start listening on port %d" % self.port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class TlsNginx(Nginx):
    """nginx serving TLS whose certificate names localhost and 127.0.0.1; `location` is the
    body of its `location /` block, `server` more directives of its server block. `cert` is
    the certificate's PEM file (a CA file that trusts it)."""

    def __init__(self, location, server=""):
        directory = tempfile.mkdtemp(prefix="ragscale-tls-nginx-")
        self.cert = os.path.join(directory, "cert.pem")
        key = os.path.join(directory, "key.pem")
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", self.cert,
                        "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True)
        super().__init__(lambda port, _: textwrap.dedent("""\
              server {
                listen 127.0.0.1:%(port)d ssl;
                ssl_certificate %(cert)s;
                ssl_certificate_key %(key)s;
                %(server)s
                location / { %(location)s }
              }""") % {"port": port, "cert": self.cert, "key": key, "server": server, "location": location},
                         directory)

    def url(self, host="127.0.0.1"):
        return "https://%s:%d" % (host, self.port)
