"""Users a Client sends to the widget, taken over HTTP to the captive syncing screen of a
`slow` sync (Banque en Ligne, EMBEDDED), and the headers htmx's poller sends there.

Shared by tests/test_procfile_under_load.py and benchmarks/waiting_users.py.
"""
import re
import uuid

import requests

CLIENT = ("demo-client", "demo-secret")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SCREEN = re.compile(r'data-screen="([\w-]+)"')

def new_user(base, http):
    """A sandbox user who accepted the terms, and their tokens (as a Client's sign-up does)."""
    def ok(response, status=200):
        assert response.status_code == status, (response.status_code, response.text[:300])
        return response

    client_token = ok(http.post(base + "/sandbox/auth/token", auth=CLIENT, timeout=30, data={
        "grant_type": "client_credentials", "scope": "users_create"})).json()["access_token"]
    email, password = "wait-%s@sandbox.example" % uuid.uuid4().hex[:12], uuid.uuid4().hex
    ok(http.post(base + "/sandbox/api/v2.1/users", json={"email": email, "password": password},
                 headers={"Authorization": "Bearer " + client_token}, timeout=30), 201)
    tokens = ok(http.post(base + "/sandbox/auth/token", auth=CLIENT, timeout=30, data={
        "grant_type": "password", "username": email, "password": password})).json()
    headers = {"Authorization": "Bearer " + tokens["access_token"]}
    version = ok(http.get(base + "/sandbox/api/v2.1/terms", headers=headers,
                          timeout=30)).json()["version"]
    ok(http.post(base + "/sandbox/api/v2.1/users/me/terms", json={"version": version},
                 headers=headers, timeout=30))
    return tokens


def create_widget_session(base, http, tokens, redirect_url=None):
    """POST /widget_session as the demo Client: the 201 answer's JSON."""
    created = http.post(base + "/widget_session", auth=CLIENT, timeout=30, data={
        "access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
        "redirect_url": redirect_url or base + "/playground/return", "captive_mode": "true",
        # One user's many sessions each add a connection at the same bank (issue 13 part 5).
        "allow_duplicates": "true"})
    assert created.status_code == 201, (created.status_code, created.text[:300])
    return created.json()


def screen_of(response):
    found = SCREEN.search(response.text)
    return found.group(1) if found else None


def waiting_user(base, tokens=None):
    """A widget session on the syncing screen of a `slow` sync: (session id, link).

    For a new sandbox user, or for the user of `tokens` (a new connection of theirs)."""
    http = requests.Session()
    session = create_widget_session(base, http, tokens or new_user(base, http))
    session_id, link = session["session_id"], session["_links"]["add_connection"]
    page = http.get(link, timeout=30)
    form = {"session_id": session_id, "csrf_token": CSRF.search(page.text).group(1)}
    htmx = {"HX-Request": "true", "HX-Target": "screen", "HX-Current-URL": link}
    steps = [("provider", {"provider_id": "web"}, "credentials"),
             ("credentials", {"login": "slow", "password": "pw"}, "accounts"),
             ("consent", {}, "syncing")]
    for step, fields, expected in steps:
        answer = http.post(base + "/widget/add_connection/" + step, data={**form, **fields},
                           headers=htmx, timeout=30)
        if screen_of(answer) == "duplicate":  # `tokens`' user is connected to web already
            answer = http.post(base + "/widget/add_connection/duplicate", timeout=30,
                               data={**form, "choice": "add"}, headers=htmx)
        assert answer.status_code == 200 and screen_of(answer) == expected, (
            step, answer.status_code, screen_of(answer))
    return session_id, link


def poll_headers(link):
    """What htmx 2 sends for the syncing screen's poller (hx-trigger="every 1200ms")."""
    return {"HX-Request": "true", "HX-Trigger": "sync-progress", "HX-Target": "sync-detail",
            "HX-Current-URL": link, "Accept": "*/*", "Sec-Fetch-Mode": "cors",
            "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "same-origin"}
