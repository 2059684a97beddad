"""The app under test, with its embedded sandbox, served by a real threaded server on loopback.

The widget reaches its upstream over HTTP, so PUBLIC_BASE_URL must name the server's port. The
server binds port 0 first and the app is made from the port the kernel gave: a port chosen
before it is bound could be taken meanwhile by another test process (pytest-xdist's workers).
"""
import threading
import uuid

from werkzeug.serving import make_server

from widget import create_app

# What every app of the tests has; a test's own settings come on top.
TEST_SETTINGS = {
    "TESTING": True, "SANDBOX": True, "SECRET_KEY": "test-secret",
    "UPSTREAM_READ_TIMEOUT": 10, "CLIENT_CHECK_CACHE_SECONDS": 0,
    # A cheap hash keeps the suite fast; production keeps werkzeug's scrypt.
    "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SANDBOX_FAULT_INJECTION": True,
    # The demo client's webhooks only where a test receives them (tests/test_webhooks.py).
    "SANDBOX_WEBHOOKS": False,
}


def answered_whole(app):
    """`app` with each answer read to its end, and closed, before the server sends it.

    werkzeug's development server closes an answer only after reading what is left of the
    request, which raises once the client has dropped the connection (a browser closing its
    page while a logo downloads): a static file's handle was then left to the garbage
    collector, whose ResourceWarning failed whichever test ran next. No answer of the app is
    a stream; gunicorn, which serves it in production, closes every answer.
    """
    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()
    return wsgi


class LiveServer:
    """A threaded server bound on 127.0.0.1 as soon as it is made; it serves its `app`."""

    def __init__(self, app=None, port=0):
        self._app = app
        self.server = make_server("127.0.0.1", port, app and answered_whole(app), threaded=True)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        # A short poll interval: shutdown() waits up to one interval, at every test's teardown.
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.02})

    @property
    def app(self):
        return self._app

    @app.setter
    def app(self, app):
        self._app = app
        self.server.app = answered_whole(app)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        """Stop serving (if started) and free the port."""
        if self.thread.is_alive():
            self.server.shutdown()  # would wait forever for a server never started
            self.thread.join()
        self.server.server_close()


def build_app(tmp_path, **config):
    """An app and the LiveServer for it (bound, not started yet); PUBLIC_BASE_URL is the
    server's address unless `config` says otherwise."""
    server = LiveServer()
    settings = {**TEST_SETTINGS, "INSTANCE_PATH": str(tmp_path / "instance"),
                "PUBLIC_BASE_URL": server.url, "RATELIMIT_KEY_PREFIX": limits_of_its_own(),
                **config}
    try:
        server.app = create_app(settings)
    except BaseException:
        server.stop()  # a setting the app refuses: no socket left open
        raise
    return server.app, server


def limits_of_its_own():
    """A RATELIMIT_KEY_PREFIX no other app has: on the shared Redis, test processes running at
    the same time (and other tests' apps) would otherwise add to each other's counts."""
    return "passerelle-limits-test-" + uuid.uuid4().hex
