"""The real processes the integration tests drive: stopping any child politely, and a
running `ragscale sim` (the OpenAI-compatible simulator) on a port of its own."""
import http.client
import json
import os
import re
import signal
import subprocess

BIN = os.environ.get("RAGSCALE_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "ragscale"))


def stop_process(process, timeout=10):
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds; returns its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Sim:
    """A running `ragscale sim` process (--port 0; the port is read from its startup line)."""

    def __init__(self, *args):
        self.process = subprocess.Popen(
            [BIN, "sim", "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        line = self.process.stdout.readline()
        match = re.search(r"listening on http://[^:]+:(\d+)", line)
        if not match:
            self.process.kill()
            raise AssertionError("no startup line: %r %r" % (line, self.process.stderr.read()))
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = self.connection(timeout)
        payload = json.dumps(body) if isinstance(body, (dict, list)) else body
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data

    def json(self, method, path, body=None, headers=None):
        response, data = self.request(method, path, body, headers)
        return response, json.loads(data)

    def faults(self, settings):
        """Sets the faults injected from now on ({} heals)."""
        response, data = self.request("POST", "/admin/faults", settings)
        assert response.status == 200, data

    def stop(self):
        code = stop_process(self.process)
        self.process.stdout.close()
        self.process.stderr.close()
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
