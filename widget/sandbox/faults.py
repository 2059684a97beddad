"""Injected failures for the widget's reliability tests: 500, time-out, dropped connection, an
answer lost after the work was done, and a slow answer.

Off unless `SANDBOX_FAULT_INJECTION` is on (the tests turn it on): a public sandbox must not
let anyone hang its workers with a header. When on, a request under `/sandbox/` fails when it
carries `X-Sandbox-Fault: 500|timeout|drop|late|lost|slow`, or when its path starts with a prefix of
the `SANDBOX_FAULTS` mapping (`{"/sandbox/api/v2.1/providers": "500"}`; the longest prefix
wins). A configured `kind:N` (`"lost:1"`) hits the next N matching requests of this process
only, then its entry leaves the mapping.

`timeout` and `drop` fail before the request reaches the app (nothing happened upstream);
`late` and `lost` run the request to its end (committed) and then answer after the client's
read timeout, or never: the "completed upstream, answer lost" case that idempotency keys and
the refresh-token reuse interval exist for. `slow` waits as long, then does the work and
answers: a slow upstream, that a widget whose read timeout is longer waits for. This runs as
WSGI middleware, ahead of Flask, because a dropped connection has to escape Flask's error
handling to reach the server.
"""
import errno
import json
import socket
import threading
import time

from widget.config import FAULT_SPEC, FAULTS

SANDBOX_PREFIX = "/sandbox/"


class SandboxFaults:
    """WSGI middleware wrapping the app (`app.wsgi_app = SandboxFaults(app.wsgi_app, config)`)."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config
        self._counting = threading.Lock()

    def __call__(self, environ, start_response):
        fault = self.fault_for(environ)
        if fault == "drop":
            self.drop(environ)
        if fault in ("timeout", "slow"):
            self.sleep()
        if fault == "500":
            body = json.dumps({"error": "server_error",
                               "error_description": "Sandbox fault injected."}).encode()
            start_response("500 INTERNAL SERVER ERROR", [
                ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
            ])
            return [body]
        if fault in ("late", "lost"):
            return self.done_then_lost(fault, environ, start_response)
        return self.wsgi_app(environ, start_response)

    def sleep(self):
        time.sleep(float(self.config["SANDBOX_FAULT_TIMEOUT_SECONDS"]))

    def done_then_lost(self, fault, environ, start_response):
        """Run the request to its end, then answer too late (`late`) or hang up (`lost`)."""
        answer, body = {}, []

        def hold_back(status, headers, exc_info=None):
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return body.append  # the WSGI write() callable

        chunks = self.wsgi_app(environ, hold_back)
        try:
            body.extend(chunks)  # the app's work (and its commit) is over once this returns
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if fault == "lost":
            self.drop(environ)
        self.sleep()
        start_response(answer["status"], answer["headers"], answer["exc_info"])
        return body

    @staticmethod
    def drop(environ):
        """Close the client's connection and leave without writing a byte."""
        # Shut the socket down first: a keep-alive connection would otherwise wait for the
        # next request on it, and the client would see a time-out instead of a drop.
        client_socket = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
        if client_socket is not None:
            try:
                client_socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already gone
        # Both werkzeug's server and gunicorn's workers take a connection reset raised by the
        # application for the client going away: they log nothing and answer nothing.
        raise ConnectionResetError(errno.ECONNRESET, "sandbox fault: connection dropped")

    def fault_for(self, environ):
        """The fault this request must suffer, or None."""
        path = environ.get("PATH_INFO", "")
        if not self.config.get("SANDBOX_FAULT_INJECTION") or not path.startswith(SANDBOX_PREFIX):
            return None
        asked = environ.get("HTTP_X_SANDBOX_FAULT", "").strip().lower()
        if asked in FAULTS:
            return asked
        with self._counting:
            configured = self.config.get("SANDBOX_FAULTS") or {}
            prefixes = [prefix for prefix in configured if path.startswith(prefix)]
            if not prefixes:
                return None
            prefix = max(prefixes, key=len)
            spec = FAULT_SPEC.fullmatch(str(configured[prefix]).lower())
            if spec is None:
                return None
            fault, times = spec.groups()
            if times:  # counted: this request uses one
                if int(times) > 1:
                    configured[prefix] = "%s:%d" % (fault, int(times) - 1)
                else:
                    del configured[prefix]
            return fault
