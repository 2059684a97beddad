"""A live server for the playground, which reaches the sandbox and the widget over HTTP only."""
import uuid

import pytest
import requests

from tests.client_backend import CLIENT, SandboxUser
from tests.live_server import build_app
from tests.playground.playground_forms import page_csrf
from widget.playground import http_calls


@pytest.fixture
def offline_app(tmp_path):
    """An app whose sandbox drops every connection without a word: sandbox down."""
    app, server = build_app(tmp_path, SANDBOX_FAULTS={"/sandbox/": "drop"})
    server.stop()  # never started: the playground calls in-process
    return app


@pytest.fixture
def sandbox_user(app):
    """A fresh sandbox user, created through the Accounts API as a Client's sign-up does."""
    client_token = requests.post(app.live_url + "/sandbox/auth/token",
                                 data={"grant_type": "client_credentials", "scope": "users_create"},
                                 auth=CLIENT, timeout=10).json()
    email = "test-%s@sandbox.example" % uuid.uuid4().hex[:12]
    created = requests.post(app.live_url + "/sandbox/api/v2.1/users", timeout=10,
                            json={"email": email, "password": "pw-123"},
                            headers={"Authorization": "Bearer " + client_token["access_token"]})
    assert created.status_code == 201, created.text
    return SandboxUser(app.live_url, email, "pw-123")


@pytest.fixture
def signed_in(client, sandbox_user):
    """The test client signed in to the playground as `sandbox_user`."""
    response = client.post("/playground/user/sign-in", data={
        "csrf_token": page_csrf(client), "email": sandbox_user.email,
        "password": sandbox_user.password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return sandbox_user


@pytest.fixture
def sent_fields(monkeypatch):
    """The bodies of the playground's real POST /widget_session calls, in order."""
    sent = []
    real = http_calls.create_widget_session

    def spy(fields):
        sent.append(dict(fields))
        return real(fields)

    monkeypatch.setattr(http_calls, "create_widget_session", spy)
    return sent
