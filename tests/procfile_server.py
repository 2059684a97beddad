"""The Procfile's web line, started as a PaaS starts it (no make, just the command and $PORT),
and raw HTTP fetches against it (the bytes as they travel)."""
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
# What a platform's environment does not have: the developer's own settings.
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith(("SANDBOX", "WIDGET_", "API_", "AUTH_", "PUBLIC_", "REDIS_",
                                  "TRUSTED_", "WEB_", "INSTANCE_", "FLASK_"))
             and k not in ("PORT", "SECRET_KEY", "DEFAULT_LANGUAGE", "GUNICORN_CMD_ARGS")}


def web_command(root=ROOT):
    """The Procfile's `web:` line."""
    with open(os.path.join(root, "Procfile"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("web:"):
                return line[len("web:"):].strip()
    raise AssertionError("the Procfile has no web line")


def fresh_copy(destination):
    """The files a clone has (tracked, plus new ones not ignored): no build output, no instance."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = os.path.join(ROOT, name)
        if os.path.isfile(source):  # a file deleted but not yet committed is not copied
            target = os.path.join(destination, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(source, target)
    return destination


class ProcfileServer:
    """`web_command()` run by a shell in `cwd`, with this venv's gunicorn first on the PATH.

    gunicorn serves a socket this process bound to port 0 (no port is chosen before it is bound,
    where another test process could take it): `--bind fd://N` in GUNICORN_CMD_ARGS, which
    gunicorn reads after its config file. PORT names the same port, as a platform sets it; that
    gunicorn.conf.py binds $PORT on every interface is test_paas's own test.
    """

    def __init__(self, cwd=ROOT, **env):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.env = {**CLEAN_ENV, "PATH": VENV_BIN + os.pathsep + CLEAN_ENV.get("PATH", ""),
                    "PORT": str(self.port),
                    "GUNICORN_CMD_ARGS": "--bind fd://%d" % self.socket.fileno(), **env}
        self.cwd = cwd
        self.process = None
        self.output = None

    def spawn(self, **options):
        """The command, started with the socket (this process's copy closed): its Popen."""
        try:
            return subprocess.Popen(["sh", "-c", "exec " + web_command(self.cwd)], cwd=self.cwd,
                                    env=self.env, pass_fds=[self.socket.fileno()], **options)
        finally:
            self.socket.close()  # gunicorn has it now; or, if the start failed, nobody needs it

    def start(self, timeout=60):
        self.output = tempfile.TemporaryFile()
        # A session of its own, so stop() ends gunicorn's workers with their arbiter.
        self.process = self.spawn(stdout=self.output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                problem = "the Procfile's command exited:\n" + self.log()
                break
            with contextlib.suppress(requests.RequestException):  # not listening, or booting
                requests.get(self.url + "/healthz", timeout=5)
                return self
            time.sleep(0.1)
        else:
            problem = "the Procfile's command did not answer:\n" + self.log()
        self.stop()
        raise AssertionError(problem)

    def log(self):
        self.output.flush()
        self.output.seek(0)
        text = self.output.read().decode(errors="replace")
        self.output.seek(0, os.SEEK_END)
        return text

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.socket.close()  # never started
        if self.output:
            self.output.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def run_command(cwd=ROOT, timeout=60, **env):
    """Run the Procfile's command expecting it to stop by itself (a start-up failure)."""
    server = ProcfileServer(cwd, **env)
    process = server.spawn(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


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
