"""An upstream failure the Client or the user sees is logged with its cause, never a secret."""
import logging

import pytest

from tests.client_backend import CLIENT
from tests.widget_driver import create_session, open_widget, text


@pytest.fixture
def logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def failure_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "passerelle.upstream"]


def assert_no_secret(caplog, user):
    everything = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    for secret in (user["access_token"], user["refresh_token"], CLIENT[1], user["password"]):
        assert secret not in everything


@pytest.mark.parametrize("fault, cause", [
    ("drop", "ConnectionError"), ("500", "auth_server_error (500)"),
    ("timeout", "ReadTimeout"),
])
def test_auth_server_failure_on_session_creation(app, client, user, logged, fault, cause):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/auth/token": fault}
    if fault == "timeout":  # the sandbox holds its answer 1 s; the widget waits 0.1 s of it
        app.config.update(SANDBOX_FAULT_TIMEOUT_SECONDS=1, UPSTREAM_READ_TIMEOUT=0.1)
    response = create_session(client, user)
    assert response.status_code == 503
    assert response.get_json() == {"error": "temporarily_unavailable",
                                   "error_description": "the Auth server cannot be reached"}
    lines = failure_lines(logged)
    assert len(lines) == 1 and cause in lines[0]
    assert "POST /sandbox/auth/token" in lines[0] and "503 to POST /widget_session" in lines[0]
    assert_no_secret(logged, user)


@pytest.mark.parametrize("fault, cause", [
    ("drop", "network_error (ConnectionError)"), ("500", "HTTP 500 server_error"),
])
def test_accounts_api_failure_on_session_creation(app, client, user, logged, fault, cause):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/users/me": fault}
    response = create_session(client, user)
    assert response.status_code == 503
    assert response.get_json()["error_description"] == "the Accounts API cannot be reached"
    lines = failure_lines(logged)
    assert len(lines) == 1 and cause in lines[0] and "GET /sandbox/api/v2.1/users/me" in lines[0]
    assert_no_secret(logged, user)


def test_auth_server_failure_on_reading_events(app, client, user, logged):
    session_id = create_session(client, user).get_json()["session_id"]
    app.config["SANDBOX_FAULTS"] = {"/sandbox/auth/token": "drop"}
    response = client.get(f"/widget_session/{session_id}/events", auth=CLIENT)
    assert response.status_code == 503
    lines = failure_lines(logged)
    assert len(lines) == 1 and "ConnectionError" in lines[0]
    assert "GET /widget_session/<session_id>/events" in lines[0] and session_id not in lines[0]
    assert_no_secret(logged, user)


def test_failure_behind_the_error_screen(app, client, user, logged):
    w, _ = open_widget(client, user)
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/providers": "drop"}
    page = w.post("/widget/add_connection/provider", provider_id="web")
    assert page.status_code == 502 and 'data-screen="upstream_error"' in text(page)
    lines = failure_lines(logged)
    assert len(lines) == 1 and "network_error (ConnectionError)" in lines[0]
    assert "GET /sandbox/api/v2.1/providers/web" in lines[0]
    assert "upstream_error screen to POST /widget/add_connection/provider" in lines[0]
    assert_no_secret(logged, user)


def test_refused_refresh_is_no_failure_to_log(app, client, user, logged):
    """A 401 ends the session (result=expired): that is an answer, not an outage."""
    response = create_session(client, {"access_token": "not-a-token"})
    assert response.status_code == 401
    assert failure_lines(logged) == []
