"""Injected failures for the widget's reliability tests: 500, time-out, dropped connection.

Off unless `SANDBOX_FAULT_INJECTION` is on (the tests turn it on): a public sandbox must not
let anyone hang its workers with a header. When on, a request under `/sandbox/` fails when it
carries `X-Sandbox-Fault: 500|timeout|drop`, or when its path starts with a prefix of the
`SANDBOX_FAULTS` mapping (`{"/sandbox/api/v2.1/providers": "500"}`; the longest prefix wins). This runs as WSGI middleware, ahead of Flask, because a
dropped connection has to escape Flask's error handling to reach the server.
"""
import errno
import json
import socket
import time

FAULTS = ("500", "timeout", "drop")
SANDBOX_PREFIX = "/sandbox/"


class SandboxFaults:
    """WSGI middleware wrapping the app (`app.wsgi_app = SandboxFaults(app.wsgi_app, config)`)."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ, start_response):
        fault = self.fault_for(environ)
        if fault == "drop":
            self.drop(environ)
        if fault == "timeout":
            time.sleep(float(self.config["SANDBOX_FAULT_TIMEOUT_SECONDS"]))
        if fault == "500":
            body = json.dumps({"error": "server_error",
                               "error_description": "Sandbox fault injected."}).encode()
            start_response("500 INTERNAL SERVER ERROR", [
                ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
            ])
            return [body]
        return self.wsgi_app(environ, start_response)

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
        configured = self.config.get("SANDBOX_FAULTS") or {}
        prefixes = [prefix for prefix in configured if path.startswith(prefix)]
        if not prefixes:
            return None
        fault = str(configured[max(prefixes, key=len)]).lower()
        return fault if fault in FAULTS else None
