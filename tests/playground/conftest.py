"""A live server for the playground, which reaches the sandbox and the widget over HTTP only."""
import re

import pytest
import requests

from tests.conftest import build_app, free_port
from widget.playground import http_calls

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def offline_app(tmp_path):
    """An app whose sandbox drops every connection without a word: sandbox down."""
    app, server = build_app(tmp_path, SANDBOX_FAULTS={"/sandbox/": "drop"})
    server.server.server_close()  # never started: the playground calls in-process
    return app


def csrf_of(response):
    match = CSRF.search(response.get_data(as_text=True))
    assert match, "no CSRF token in the page"
    return match.group(1)


def page_csrf(client):
    return csrf_of(client.get("/"))


class SandboxUser:
    """A sandbox user made over HTTP by the test itself, with its own token family."""

    def __init__(self, base_url, email, password):
        self.base, self.email, self.password = base_url, email, password
        self.token = self._token(grant_type="password", username=email, password=password)

    def _token(self, **grant):
        response = requests.post(self.base + "/sandbox/auth/token", data=grant,
                                 auth=("demo-client", "demo-secret"), timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def api(self, method, path, **kwargs):
        return requests.request(method, self.base + "/sandbox/api/v2.1" + path, timeout=10,
                                headers={"Authorization": "Bearer " + self.token}, **kwargs)

    def accept_terms(self):
        version = self.api("GET", "/terms").json()["version"]
        assert self.api("POST", "/users/me/terms", json={"version": version}).status_code == 200

    def synced_connection(self, clock, login="demo"):
        """A `web` connection with every account consented and synchronised: its id."""
        created = self.api("POST", "/connections", json={
            "provider_id": "web", "channel_definition_id": "web-embedded",
            "credentials": {"login": login, "password": "secret"}})
        assert created.status_code == 201, created.text
        connection_id = created.json()["id"]
        consents = self.api("PUT", "/connections/%s/consents" % connection_id,
                            json={"all_accounts": True})
        assert consents.status_code == 200, consents.text
        sync = self.api("POST", "/connections/%s/synchronize" % connection_id)
        assert sync.status_code == 202, sync.text
        clock.advance(60)
        return connection_id


@pytest.fixture
def sandbox_user(app):
    """A fresh sandbox user, created through the Accounts API as a Client's sign-up does."""
    client_token = requests.post(app.live_url + "/sandbox/auth/token",
                                 data={"grant_type": "client_credentials", "scope": "users_create"},
                                 auth=("demo-client", "demo-secret"), timeout=10).json()
    email = "test-%s@sandbox.example" % free_port()
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


def session_form(client, app, **overrides):
    """Every field of the widget session form, as a browser sends it by default."""
    form = {"csrf_token": page_csrf(client), "widget": "add_connection", "connection_id": "",
            "redirect_url": app.live_url + "/playground/return", "state": "state-123",
            "aspsp_callback_uri": "", "locale": "", "provider_id": "",
            "channel_definition_id": "", "captive_mode": "", "select_accounts": "",
            "multiple_channels": "", "select_channel": "", "auto_sync": "", "font": "",
            "font_color": "", "elements_color": "", "send_refresh_token": "on"}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


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
