"""A Client's webhook receiver on a real socket, in a thread: it answers as a test scripts it
(fail, succeed, too slow, or not there at all) and keeps what it received."""
import http.server
import json
import threading
import time

from widget.webhooks.signing import verified


class Receiver:
    def __init__(self, secret, answers=(), port=0):
        self.secret = secret
        self.answers = list(answers)  # "fail", "slow", then "ok" for ever
        self.received = []  # (answer given, event id header, body as JSON, signature verified)
        self.raw = []  # (every header, the body's bytes) of each request, for checks of their own
        self.slow_seconds = 3
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    answer = receiver.answers.pop(0) if receiver.answers else "ok"
                good = verified(receiver.secret, self.headers.get("Passerelle-Signature", ""),
                                body)
                with receiver._lock:  # in the order they came (a slow answer goes out later)
                    receiver.raw.append((dict(self.headers), body))
                    receiver.received.append((answer, self.headers.get("Passerelle-Event-Id"),
                                              json.loads(body), good,
                                              self.headers.get("Content-Type")))
                if answer == "slow":
                    time.sleep(receiver.slow_seconds)
                self.send_response(200 if answer == "ok" and good else 500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = "http://127.0.0.1:%d/hooks" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def accepted(self):
        with self._lock:
            return [body for answer, _, body, good, _ in self.received if answer == "ok" and good]

    def wait_for_name(self, name, within=60):
        """Every request's (headers, raw body) once an event named `name` came (accepted or not)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            with self._lock:
                if any(body["name"] == name for _, _, body, _, _ in self.received):
                    return list(self.raw)
            time.sleep(0.05)
        raise AssertionError("no %s delivered; received %r" % (name, self.received))

    def wait_for(self, count, within=60):
        """The accepted bodies once there are `count` (a generous bound: the machine is busy)."""
        deadline = time.monotonic() + within
        while len(self.accepted()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.accepted()
