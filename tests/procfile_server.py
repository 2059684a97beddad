"""The Procfile's web command, started as a PaaS starts it, and raw HTTP fetches against it.

Used by tests/test_static_procfile.py and benchmarks/first_screen_bytes.py.
"""
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
# A PaaS sets these for the app; none may leak in from the machine running the tests.
UPSTREAM_SETTINGS = ("API_BASE_URL", "AUTH_BASE_URL", "SANDBOX", "PUBLIC_BASE_URL", "REDIS_URL",
                     "SECRET_KEY", "WIDGET_CLIENTS", "INSTANCE_PATH")


def procfile_web_command():
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("the Procfile has no web line")


class ProcfileServer:
    """`sh -c <web line>` with PORT and an instance folder of its own, like a PaaS dyno."""

    def __init__(self, instance_path, log_path, **environment):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.env = {k: v for k, v in os.environ.items() if k not in UPSTREAM_SETTINGS}
        # The virtualenv's gunicorn, as `pip install -r requirements.txt` puts it on the PATH.
        self.env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + self.env.get("PATH", "")
        self.env.update(PORT=str(self.port), INSTANCE_PATH=str(instance_path),
                        PUBLIC_BASE_URL=self.url, **environment)
        self.log_path = log_path
        self.process = None

    def start(self, timeout=60):
        with open(self.log_path, "wb") as log:
            # A session of its own, so stop() ends gunicorn's workers with their arbiter.
            self.process = subprocess.Popen(["sh", "-c", procfile_web_command()], cwd=ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("gunicorn exited:\n" + self.log())
            try:  # the arbiter listens before its workers have built the app
                requests.get(self.url + "/static/style.css", timeout=10)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("gunicorn did not answer within %ss:\n%s" % (timeout, self.log()))

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self):
        return Path(self.log_path).read_text(errors="replace")


class RawResponse:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def header(self, name):
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def wire_bytes(self):
        """Status line, headers and body as they came over the socket (body still encoded)."""
        head = "HTTP/1.1 %d %s\r\n" % (self.status, self.reason)
        head += "".join("%s: %s\r\n" % pair for pair in self.headers) + "\r\n"
        return len(head.encode("latin-1")) + len(self.body)


def fetch_raw(base_url, path, method="GET", headers=None):
    """One request on a fresh connection, the body as sent (no decoding, no normalised path)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return RawResponse(response.status, response.reason, response.getheaders(),
                           response.read())
    finally:
        connection.close()
