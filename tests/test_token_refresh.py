"""The widget refreshes an expired access token itself, once at a time per session."""
import threading

import requests

from tests.widget_driver import create_session
from widget.store import widget_sessions

RETURN = "http://localhost:5000/playground/return"


def test_concurrent_requests_share_one_rotation(app, client, user, clock):
    # expires_in=0: the access token is already stale, so every request must refresh it first.
    session_id = create_session(client, user, redirect_url=RETURN, expires_in="0").get_json()["session_id"]
    url = app.live_url + "/widget/add_connection"
    answers = []

    def open_link():
        response = requests.get(url, params={"session_id": session_id}, allow_redirects=False, timeout=30)
        answers.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=open_link) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Refresh tokens rotate: had two requests refreshed at once, one would have been refused
    # and the session would have ended with result=expired.
    assert answers == [(200, None)] * 4
    with app.app_context():
        token = widget_sessions().load(session_id)["token"]
    assert token["refresh_token"] != user["refresh_token"]
    assert token["access_token"] != user["access_token"]
    clock.advance(60)  # past the Auth server's reuse interval for lost answers
    refused = requests.post(app.live_url + "/sandbox/auth/token", auth=("demo-client", "demo-secret"),
                            data={"grant_type": "refresh_token", "refresh_token": user["refresh_token"]},
                            timeout=10)
    assert refused.status_code == 400  # the original was used up by the widget's one refresh


def test_refused_refresh_ends_with_expired(app, client, user, clock):
    session_id = create_session(client, user, redirect_url=RETURN, state="s").get_json()["session_id"]
    # The Client uses the refresh token behind the widget's back: the access token and the
    # widget's copy of the refresh token are both void now.
    requests.post(app.live_url + "/sandbox/auth/token", auth=("demo-client", "demo-secret"), timeout=10,
                  data={"grant_type": "refresh_token", "refresh_token": user["refresh_token"]}).raise_for_status()
    clock.advance(60)  # and the Auth server's reuse interval for lost answers is over
    response = client.get("/widget/add_connection", query_string={"session_id": session_id})
    assert response.status_code == 303
    assert "result=expired" in response.headers["Location"] and "state=s" in response.headers["Location"]
