"""Waiting screens, the remaining scenarios, upstream faults, and the event trail."""
import json
import logging

import pytest

from tests.client_backend import CLIENT
from tests.widget_driver import open_widget, returned, text
from widget.logs import JsonLineFormatter


def poll(w, trigger):
    return w.client.get("/widget/add_connection/wait", query_string={"session_id": w.session_id},
                        headers={"HX-Request": "true", "HX-Trigger": trigger})


def test_app_validation_waits_then_goes_on(client, user, clock):
    w, _ = open_widget(client, user, provider_id="web")
    page = w.post("/widget/add_connection/credentials", login="app", password="pw")
    assert 'data-screen="challenge"' in text(page) and 'id="challenge-wait"' in text(page)
    assert 'http-equiv="refresh"' in text(page)  # without JavaScript, the page refreshes itself
    assert poll(w, "challenge-wait").status_code == 204  # still waiting: htmx keeps the screen
    clock.advance(6)
    page = poll(w, "challenge-wait")
    assert page.status_code == 200 and 'data-screen="accounts"' in text(page)
    # Plain GET, as the no-JavaScript refresh does, lands on the same step.
    assert 'data-screen="accounts"' in text(w.get("/widget/add_connection/wait"))


def test_question_challenge(client, user):
    w, _ = open_widget(client, user, provider_id="web")
    page = w.post("/widget/add_connection/credentials", login="question", password="pw")
    assert 'data-screen="challenge"' in text(page) and 'name="answer"' in text(page)
    page = w.post("/widget/add_connection/challenge", answer="violet-mauve")
    assert page.status_code == 422 and 'role="alert"' in text(page) and "violet-mauve" not in text(page)
    page = w.post("/widget/add_connection/challenge", answer="")
    assert page.status_code == 422
    assert 'data-screen="accounts"' in text(w.post("/widget/add_connection/challenge", answer="blue"))


def test_answer_to_a_challenge_no_longer_pending(client, user):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="otp", password="pw")
    csrf = w.csrf
    assert 'data-screen="accounts"' in text(w.post("/widget/add_connection/challenge", answer="123456"))
    w.csrf = csrf
    again = w.post("/widget/add_connection/challenge", answer="123456")
    assert again.status_code == 200 and 'data-screen="accounts"' in text(again)


def test_locked_account_is_an_error_return(client, user):
    w, _ = open_widget(client, user, provider_id="web")
    params = returned(w.post("/widget/add_connection/credentials", login="locked", password="pw"))
    assert params["result"] == "error" and params["error"] == "user_action_required"
    assert params["connection_id"]


def test_many_accounts_are_all_listed(client, user):
    w, _ = open_widget(client, user, provider_id="web")
    page = w.post("/widget/add_connection/credentials", login="many", password="pw")
    assert text(page).count('<li><span class="name">') == 25


@pytest.mark.parametrize("fault", ["500", "drop"])
def test_upstream_fault_mid_flow_keeps_the_session(app, client, user, fault):
    w, _ = open_widget(client, user)
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/providers": fault}
    page = w.post("/widget/add_connection/provider", provider_id="web")
    assert page.status_code == 502 and 'data-screen="upstream_error"' in text(page)
    app.config["SANDBOX_FAULTS"] = {}
    assert 'data-screen="credentials"' in text(w.post("/widget/add_connection/provider", provider_id="web"))


def test_slow_sync_keeps_polling_until_done(client, user, clock):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="slow", password="pw")
    w.post("/widget/add_connection/consent")
    clock.advance(4)
    progress = poll(w, "sync-progress")
    assert progress.status_code == 200 and 'id="sync-detail"' in text(progress)
    clock.advance(10)
    assert returned(poll(w, "sync-progress"))["result"] == "success"


def test_event_trail_and_json_log_lines(client, user, clock, caplog):
    caplog.set_level(logging.INFO, logger="passerelle.events")
    w, _ = open_widget(client, user)
    w.get("/widget/add_connection/providers", q="ligne")
    w.post("/widget/add_connection/provider", provider_id="web")
    w.post("/widget/add_connection/credentials", login="otp", password="pw")
    w.post("/widget/add_connection/challenge", answer="123456")
    w.post("/widget/add_connection/consent")
    clock.advance(60)
    w.get("/widget/add_connection/wait")
    events = client.get(f"/widget_session/{w.session_id}/events", auth=CLIENT).get_json()
    assert [e["name"] for e in events] == [
        "OPEN", "SEARCH_PROVIDER", "SELECT_PROVIDER", "SELECT_CHANNEL", "SUBMIT_CREDENTIALS",
        "CONNECTION_CREATED", "CHALLENGE_REQUIRED", "SUBMIT_CHALLENGE", "CONSENT_ACCEPTED",
        "SYNC_STARTED", "SYNC_FINISHED", "REDIRECT", "SESSION_FINISHED"]
    for event in events:
        assert set(event) == {"event_id", "name", "date", "widget", "data"}
        assert event["date"].endswith("Z")
        assert event["widget"] == "add_connection"
    formatter = JsonLineFormatter()
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == "passerelle.events"]
    assert [line["name"] for line in lines] == [e["name"] for e in events]
    assert all(w.session_id not in json.dumps(line) for line in lines)  # a digest, not the id
