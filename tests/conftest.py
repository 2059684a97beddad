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
        # A short poll interval: shutdown() waits up to one interval, at every test's teardown.
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.02})

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
        # A cheap hash keeps the suite fast; production keeps werkzeug's scrypt.
        "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SANDBOX_FAULT_INJECTION": True,
    }
    settings.update(config)
    app = create_app(settings)
    return app, LiveServer(app, port)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def live_app(tmp_path, clock):
    app, server = build_app(tmp_path, SANDBOX_CLOCK=clock, WIDGET_CLOCK=clock)
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


# --- Playing the Client over real HTTP against the live sandbox -------------------------------
import uuid  # noqa: E402

import requests  # noqa: E402

CLIENT = ("demo-client", "demo-secret")


def sandbox_user(app, accept_terms=False, password=None):
    """A new sandbox user and their tokens, made the way a Client would."""
    base = app.live_url
    client_token = requests.post(base + "/sandbox/auth/token", auth=CLIENT, timeout=10,
                                 data={"grant_type": "client_credentials", "scope": "users_create"}).json()
    email = "user-%s@sandbox.example" % uuid.uuid4().hex[:12]
    password = password or uuid.uuid4().hex
    created = requests.post(base + "/sandbox/api/v2.1/users", json={"email": email, "password": password},
                            headers={"Authorization": "Bearer " + client_token["access_token"]}, timeout=10)
    assert created.status_code == 201, created.text
    tokens = requests.post(base + "/sandbox/auth/token", auth=CLIENT, timeout=10, data={
        "grant_type": "password", "username": email, "password": password}).json()
    if accept_terms:
        headers = {"Authorization": "Bearer " + tokens["access_token"]}
        version = requests.get(base + "/sandbox/api/v2.1/terms", headers=headers, timeout=10).json()["version"]
        requests.post(base + "/sandbox/api/v2.1/users/me/terms", json={"version": version},
                      headers=headers, timeout=10).raise_for_status()
    return {"email": email, "password": password, **tokens}


def create_session(client, user, auth=CLIENT, **options):
    """POST /widget_session as the demo Client; the response."""
    data = {"access_token": user["access_token"], "refresh_token": user.get("refresh_token"), **options}
    data = {k: v for k, v in data.items() if v is not None}
    import base64

    header = "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode()
    return client.post("/widget_session", data=data, headers={"Authorization": header})


@pytest.fixture
def user(app):
    return sandbox_user(app, accept_terms=True)


@pytest.fixture
def new_user(app):
    return sandbox_user(app)
