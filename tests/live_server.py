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


class LiveServer:
    """A threaded server bound on 127.0.0.1 as soon as it is made; it serves its `app`."""

    def __init__(self, app=None, port=0):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        # A short poll interval: shutdown() waits up to one interval, at every test's teardown.
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.02})

    @property
    def app(self):
        return self.server.app

    @app.setter
    def app(self, app):
        self.server.app = app

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
