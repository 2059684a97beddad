"""POST /widget_session, its events and its end (DESIGN.md section 3)."""
import re

import pytest

from tests.client_backend import CLIENT, basic
from tests.widget_driver import create_session

RETURN = "http://localhost:5000/playground/return"



def test_creates_a_session_with_absolute_links(client, app, user):
    response = create_session(client, user, redirect_url=RETURN, state="s1")
    assert response.status_code == 201
    body = response.get_json()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", body["session_id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["expires_at"])
    names = {"add_connection": "add_connection", "edit_credentials": "edit_credentials",
             "user_input": "user_input", "terms": "terms",
             "professional_account": "professional-account", "manage_accounts": "manage_accounts"}
    assert set(body["_links"]) == set(names)
    for key, path in names.items():
        assert body["_links"][key] == f"{app.live_url}/widget/{path}?session_id={body['session_id']}"


def test_json_body_query_string_and_body_wins(client, user):
    response = client.post("/widget/widget_session?state=from-query&lng=en", json={
        "client_id": CLIENT[0], "client_secret": CLIENT[1], "access_token": user["access_token"],
        "state": "from-body"})
    assert response.status_code == 201
    session_id = response.get_json()["session_id"]
    client.get(f"/widget/terms?session_id={session_id}")
    events = client.get(f"/widget_session/{session_id}/events", headers=basic(*CLIENT)).get_json()
    assert [e["name"] for e in events][:1] == ["OPEN"]


@pytest.mark.parametrize("fields, status, error", [
    ({"access_token": None}, 400, "invalid_request"),
    ({"redirect_url": "https://evil.example/return"}, 400, "invalid_request"),
    ({"redirect_url": "http://shop.example/return"}, 400, "invalid_request"),
    ({"redirect_url": "javascript:alert(1)"}, 400, "invalid_request"),
    ({"redirect_url": "http://127.0.0.1.evil.example/"}, 400, "invalid_request"),
    ({"aspsp_callback_uri": "https://evil.example/"}, 400, "invalid_request"),
    ({"captive_mode": "maybe"}, 400, "invalid_request"),
    ({"font_color": "red;}"}, 400, "invalid_request"),
    ({"font": "x</style>"}, 400, "invalid_request"),
    ({"locale": "ja"}, 400, "invalid_request"),
    ({"expires_in": "soon"}, 400, "invalid_request"),
    ({"access_token": "not-a-token", "refresh_token": None}, 401, "invalid_token"),
])
def test_bad_input(client, user, fields, status, error):
    response = create_session(client, {**user, **fields}, **{k: v for k, v in fields.items()
                                                          if k not in ("access_token", "refresh_token")})
    assert response.status_code == status
    assert response.get_json()["error"] == error
    assert response.get_json()["error_description"]


@pytest.mark.parametrize("auth", [("demo-client", "wrong"), ("nobody", "demo-secret")])
def test_wrong_client_credentials(client, user, auth):
    response = create_session(client, user, auth=auth)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_client_credentials_in_the_body(client, user):
    response = client.post("/widget_session", data={
        "client_id": CLIENT[0], "client_secret": CLIENT[1], "access_token": user["access_token"]})
    assert response.status_code == 201


def test_json_body_must_be_an_object(client):
    response = client.post("/widget_session", json=["x"], headers=basic(*CLIENT))
    assert response.status_code == 400


def test_events_are_for_the_owner_only(client, user):
    session_id = create_session(client, user).get_json()["session_id"]
    assert client.get(f"/widget_session/{session_id}/events").status_code == 401
    assert client.get(f"/widget_session/{session_id}/events",
                      headers=basic("demo-client", "wrong")).status_code == 401
    assert client.get("/widget_session/unknown/events", headers=basic(*CLIENT)).status_code == 404
    assert client.get(f"/widget_session/{session_id}/events", headers=basic(*CLIENT)).get_json() == []


def test_delete_ends_the_session(client, user):
    session_id = create_session(client, user, redirect_url=RETURN).get_json()["session_id"]
    assert client.delete(f"/widget_session/{session_id}", headers=basic(*CLIENT)).status_code == 204
    response = client.get(f"/widget/add_connection?session_id={session_id}")
    assert response.status_code == 303 and "result=expired" in response.headers["Location"]
    assert client.delete(f"/widget_session/{session_id}", headers=basic(*CLIENT)).status_code == 404
    assert client.get(f"/widget_session/{session_id}/events", headers=basic(*CLIENT)).status_code == 404
    kept = client.application.extensions["widget_sessions"].peek_expired(session_id)
    assert "token" not in kept and "client_secret" not in kept  # nothing of value stays


def test_without_refresh_token_the_session_ends_with_the_access_token(client, user):
    response = create_session(client, {**user, "refresh_token": None}, redirect_url=RETURN,
                              state="st", expires_in="0")
    assert response.status_code == 201
    session_id = response.get_json()["session_id"]
    opened = client.get(f"/widget/add_connection?session_id={session_id}")
    assert opened.status_code == 303
    assert opened.headers["Location"].startswith(RETURN + "?")
    assert "result=expired" in opened.headers["Location"] and "state=st" in opened.headers["Location"]


def test_access_token_refused_without_refresh_token_ends_expired(app, client, user):
    import requests

    response = create_session(client, {**user, "refresh_token": None}, redirect_url=RETURN, state="st")
    session_id = response.get_json()["session_id"]
    # The Client rotates its tokens elsewhere: the access token the widget holds is revoked.
    requests.post(app.live_url + "/sandbox/auth/token", auth=CLIENT, timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": user["refresh_token"]}).raise_for_status()
    opened = client.get(f"/widget/add_connection?session_id={session_id}")
    assert opened.status_code == 303
    assert "result=expired" in opened.headers["Location"] and "state=st" in opened.headers["Location"]


def test_delete_while_the_session_is_busy_is_a_503_not_a_500(client, user, monkeypatch):
    """A step holding the session's lock too long: the Client is told to retry."""
    from widget.store import SessionBusy, WidgetSessionStore

    session_id = create_session(client, user, redirect_url=RETURN).get_json()["session_id"]

    def busy(self, session_id):
        raise SessionBusy()

    monkeypatch.setattr(WidgetSessionStore, "end", busy)
    response = client.delete(f"/widget_session/{session_id}", headers=basic(*CLIENT))
    assert response.status_code == 503
    assert response.get_json()["error"] == "temporarily_unavailable"
    assert response.headers["Retry-After"]
