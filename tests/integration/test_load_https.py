"""Integration tests for `ragscale load` against HTTPS targets: the real binary against a
real nginx serving TLS on loopback with a self-signed certificate (made here with the
openssl command line, for localhost and 127.0.0.1).

Certificate verification is on by default (the system trust store, which does not know
the certificate), --ca-file trusts the certificate, --insecure skips the check; with
keep-alive off every request is a new connection, and reconnects resume the TLS session.
"""
import csv
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import tls_nginx
from test_load import BIN, TestServer


def run_load(*args, timeout=60):
    return subprocess.run([BIN, "load", *args], capture_output=True, text=True, timeout=timeout)


@unittest.skipUnless(tls_nginx.available(), "needs nginx and openssl (make test-deps installs them)")
class HttpsNginxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Sessions resumable both ways: the server's cache (TLS 1.2 ids) and tickets.
        cls.nginx = tls_nginx.TlsNginx("return 200 'ok';", "ssl_session_cache shared:TLS:1m; ssl_session_tickets on;")
        cls.cert = cls.nginx.cert
        cls.port = cls.nginx.port
        cls.url = cls.nginx.url() + "/"

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()

    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="ragscale-https-run-")

    def tearDown(self):
        shutil.rmtree(self.out, ignore_errors=True)

    def run_json(self, *args):
        json_path = os.path.join(self.out, "run.json")
        result = run_load(*args, "-q", "--json", json_path, "--csv", os.path.join(self.out, "run"))
        summary = None
        if os.path.exists(json_path):
            with open(json_path) as f:
                summary = json.load(f)
        return result, summary

    def test_an_untrusted_certificate_fails_every_request_as_tls_certificate(self):
        result, summary = self.run_json(self.url, "-u", "2", "--iterations", "20")
        # No threshold: a run whose requests fail still completes (exit 0), as the help says.
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["aggregate"]["requests"], 20)
        self.assertEqual(summary["aggregate"]["failures"], 20)
        [error] = summary["errors"]
        self.assertEqual(error["kind"], "tls_certificate")
        self.assertIn("certificate verify failed: self-signed certificate", error["message"])
        self.assertIn("--ca-file", error["message"])
        self.assertIn("--insecure", error["message"])
        self.assertEqual(summary["counters"]["tls_handshakes"], 0)
        with open(os.path.join(self.out, "run_failures.csv"), newline="") as f:
            [row] = list(csv.DictReader(f))
        self.assertIn("TLS certificate rejected: certificate verify failed", row["Error"])
        self.assertEqual(row["Occurrences"], "20")
        # With a failure-rate threshold the same run fails its verdict.
        result, _ = self.run_json(self.url, "-u", "2", "--iterations", "20", "--threshold", "http_req_failed:rate<0.01")
        self.assertEqual(result.returncode, 1, result.stderr)

    def test_ca_file_trusts_the_certificate_and_the_name_is_checked(self):
        url = self.nginx.url("localhost") + "/"
        result, summary = self.run_json(url, "-u", "4", "--iterations", "400", "--ca-file", self.cert)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["aggregate"]["requests"], 400)
        self.assertEqual(summary["aggregate"]["failures"], 0)
        # Keep-alive: one handshake per user at the most (users start one after another,
        # and the first may run every iteration before the last has started).
        self.assertGreaterEqual(summary["counters"]["tls_handshakes"], 1)
        self.assertLessEqual(summary["counters"]["tls_handshakes"], 4)
        self.assertIn(["tls", "certificates verified against " + self.cert], summary["run"]["settings"])

    def test_insecure_skips_verification(self):
        result, summary = self.run_json(self.url, "-u", "4", "--iterations", "200", "--insecure")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["aggregate"]["failures"], 0)
        self.assertEqual(summary["aggregate"]["requests"], 200)

    def test_reconnects_resume_the_session_when_keep_alive_is_off(self):
        result, summary = self.run_json(self.url, "-u", "4", "--iterations", "200", "--ca-file", self.cert,
                                        "--header", "Connection: close")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["aggregate"]["failures"], 0)
        counters = summary["counters"]
        self.assertEqual(counters["tls_handshakes"], 200)  # a connection per request
        self.assertGreaterEqual(counters["tls_resumed"], 200 - 4)  # all but each user's first
        self.assertIn("TLS: 200 handshakes", result.stdout)

    def test_an_unusable_ca_file_is_bad_input(self):
        result = run_load(self.url, "--ca-file", os.path.join(self.out, "missing.pem"), "-t", "5s")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--ca-file", result.stderr)
        self.assertIn("missing.pem", result.stderr)
        self.assertEqual(result.stdout, "")


class HttpsAgainstPlainHttpTest(unittest.TestCase):
    def test_a_port_without_tls_is_a_handshake_failure(self):
        server = TestServer()
        try:
            out = tempfile.mkdtemp(prefix="ragscale-https-run-")
            json_path = os.path.join(out, "run.json")
            result = run_load("https://127.0.0.1:%d/" % server.port, "-u", "1", "--iterations", "3", "-q",
                              "--insecure", "--json", json_path)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(json_path) as f:
                [error] = json.load(f)["errors"]
            shutil.rmtree(out, ignore_errors=True)
        finally:
            server.stop()
        self.assertEqual(error["kind"], "tls_handshake")
        self.assertIn("wrong version number", error["message"])


if __name__ == "__main__":
    unittest.main()
