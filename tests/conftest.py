"""Fixtures: an app with its embedded sandbox served on a live port, and a test client.

The widget reaches its upstream over HTTP only, so every app under test is also served by a
real threaded server on a free loopback port, and PUBLIC_BASE_URL points there.
"""
import socket
import threading

import pytest
from werkzeug.serving import make_server

from widget import create_app


class FakeClock:
    """The sandbox's clock, moved by the tests instead of waiting."""

    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, app, port):
        self.url = "http://127.0.0.1:%d" % port
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def build_app(tmp_path, **config):
    port = free_port()
    settings = {
        "TESTING": True, "SANDBOX": True, "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"), "PUBLIC_BASE_URL": "http://127.0.0.1:%d" % port,
        "UPSTREAM_READ_TIMEOUT": 10, "CLIENT_CHECK_CACHE_SECONDS": 0,
    }
    settings.update(config)
    app = create_app(settings)
    return app, LiveServer(app, port)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def live_app(tmp_path, clock):
    app, server = build_app(tmp_path, SANDBOX_CLOCK=clock)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


@pytest.fixture
def app(live_app):
    return live_app


@pytest.fixture
def client(app):
    return app.test_client()
