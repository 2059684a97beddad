"""/healthz and /readyz: JSON for a platform's checks, no secrets, the failing part named."""
import pytest

from widget import readiness
from widget.store import StoreUnavailable, WidgetSessionStore


def test_healthz_answers_without_touching_anything(client, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("healthz must do no I/O")

    monkeypatch.setattr(WidgetSessionStore, "ping", fail)
    monkeypatch.setattr(readiness, "auth_server_answers", fail)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ok_when_the_store_and_the_auth_server_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {"status": "ok",
                             "checks": {"session_store": "ok", "auth_server": "ok"}}


def test_readyz_names_a_session_store_that_fails(client, monkeypatch):
    def down(self):
        raise StoreUnavailable("redis://:hunter2@redis.internal:6379 refused")

    monkeypatch.setattr(WidgetSessionStore, "ping", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["session_store"]
    assert response.json["checks"]["auth_server"] == "ok"
    assert "hunter2" not in response.get_data(as_text=True)


@pytest.fixture
def unreachable_auth(app):
    app.config["AUTH_BASE_URL"] = "http://127.0.0.1:9/auth"  # the discard port: refused
    return app


def test_readyz_names_an_auth_server_that_does_not_answer(unreachable_auth):
    response = unreachable_auth.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "failing": ["auth_server"],
                             "checks": {"session_store": "ok", "auth_server": "failing"}}


def test_readyz_counts_an_auth_server_error_as_failing(app):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/auth": "500"}
    assert app.test_client().get("/readyz").json["failing"] == ["auth_server"]


def test_readyz_keeps_its_answer_a_few_seconds(app, monkeypatch):
    calls = []
    monkeypatch.setattr(readiness, "auth_server_answers", lambda *a, **k: calls.append(1) or True)
    app.config["READY_CACHE_SECONDS"] = 60
    client = app.test_client()
    assert [client.get("/readyz").status_code for _ in range(5)] == [200] * 5
    assert len(calls) == 1


def test_readyz_asks_again_once_its_answer_is_old(app, monkeypatch):
    calls = []
    monkeypatch.setattr(readiness, "auth_server_answers", lambda *a, **k: calls.append(1) or True)
    app.config["READY_CACHE_SECONDS"] = 0
    client = app.test_client()
    client.get("/readyz")
    client.get("/readyz")
    assert len(calls) == 2


def test_health_answers_hold_no_secret(client, app):
    for path in ("/healthz", "/readyz"):
        body = client.get(path).get_data(as_text=True)
        for secret in ("demo-secret", app.config["SECRET_KEY"], "127.0.0.1", "sandbox"):
            assert secret not in body
