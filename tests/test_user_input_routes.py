"""user_input through Flask's test client, against the live sandbox (its clock moved by hand)."""
import pytest
import requests

from tests.client_backend import (bank_connection, call, needing_user, ready_connection,
                                  sandbox_user, synchronize)
from tests.widget_driver import (HTMX, ended, events, open_user_input, open_widget, page_text,
                                 screen, text)

WAIT = "/widget/user_input/wait"
ANSWER = "/widget/user_input/challenge"


def poll(w, trigger):
    """What htmx's poller of a waiting screen asks."""
    return w.get(WAIT, headers={**HTMX, "HX-Trigger": trigger})


# --- The main path -----------------------------------------------------------------------------
def test_sms_code_found_at_once_then_the_sync_then_success(app, client, user, clock):
    connection_id = needing_user(app, user, clock)
    w, page = open_user_input(client, user, connection_id, state="st-9")
    assert page.status_code == 200 and screen(page) == "challenge"
    body = page_text(page)
    assert "Code reçu par SMS" in body and "Vérification par votre banque" in body
    assert 'action="/widget/user_input/challenge"' in body and 'hx-post="/widget/user_input/challenge"' in body
    assert 'http-equiv="refresh"' not in body  # a code to type is no waiting screen
    page = w.post(ANSWER, answer="123456")
    assert screen(page) == "syncing"
    body = page_text(page)
    assert 'hx-get="/widget/user_input/wait?session_id=' in body
    assert 'http-equiv="refresh" content="2;url=/widget/user_input/wait?session_id=' in body
    assert screen(w.get(WAIT)) == "syncing"  # the no-JavaScript refresh: not over yet
    clock.advance(60)
    params = ended(w.get(WAIT))
    assert params == {"result": "success", "widget": "user_input", "connection_id": connection_id,
                      "state": "st-9"}
    trail = events(client, w.session_id)
    assert [e["name"] for e in trail] == ["OPEN", "CHALLENGE_REQUIRED", "SUBMIT_CHALLENGE",
                                          "SYNC_FINISHED", "REDIRECT", "SESSION_FINISHED"]
    assert trail[1]["data"] == {"connection_id": connection_id, "challenge_type": "SMS_CODE"}
    assert all(e["widget"] == "user_input" for e in trail)
    assert "123456" not in repr(trail)
    assert call(app, user, "GET", "/connections/" + connection_id)["status"] == "SUCCESS"


def test_a_challenge_asked_later_is_found_on_the_event_queue(app, client, user, clock):
    connection_id = ready_connection(app, user, clock)
    w, page = open_user_input(client, user, connection_id, lng="en")
    assert page.status_code == 200 and screen(page) == "user_input_waiting"
    body = page_text(page)
    assert "Waiting for Banque en Ligne to ask you for a verification." in body
    assert 'id="user-input-wait"' in body and 'role="status"' in body and 'aria-live="polite"' in body
    assert 'hx-trigger="every 1200ms"' in body and 'hx-get="/widget/user_input/wait?session_id=' in body
    assert 'http-equiv="refresh" content="2;url=/widget/user_input/wait?session_id=' in body
    clock.advance(2)
    assert poll(w, "user-input-wait").status_code == 204  # nothing yet: htmx keeps the screen
    synchronize(app, user, connection_id)
    assert poll(w, "user-input-wait").status_code == 204  # within the same second: not asked
    clock.advance(2)
    page = poll(w, "user-input-wait")
    assert page.status_code == 200 and screen(page) == "challenge" and "<html" not in text(page)
    assert page.headers["HX-Retarget"] == "#screen" and "Code received by SMS" in page_text(page)
    page = w.post(ANSWER, htmx=True, answer="123456")
    assert screen(page) == "syncing" and "<html" not in text(page)
    assert 'hx-get="/widget/user_input/wait?session_id=' in text(page)  # not add_connection's
    assert poll(w, "sync-progress").status_code == 204  # no news of the sync yet
    clock.advance(1.5)
    progress = poll(w, "sync-progress")
    assert progress.status_code == 200 and 'id="sync-detail"' in text(progress)
    assert "<section" not in text(progress) and "<progress" in text(progress)
    clock.advance(60)
    params = ended(poll(w, "sync-progress"))
    assert params["result"] == "success" and params["connection_id"] == connection_id


def test_an_app_validation_approved_later(app, client, user, clock):
    connection_id = needing_user(app, user, clock, login="app")
    w, page = open_user_input(client, user, connection_id, lng="en")
    body = page_text(page)
    assert screen(page) == "challenge" and 'id="challenge-wait"' in body
    assert 'hx-get="/widget/user_input/wait?session_id=' in body
    assert 'http-equiv="refresh" content="2;url=/widget/user_input/wait?session_id=' in body
    clock.advance(2)
    assert poll(w, "challenge-wait").status_code == 204
    clock.advance(4)  # the sandbox approves after 5 s
    page = poll(w, "challenge-wait")
    assert page.status_code == 200 and screen(page) == "syncing"
    assert page.headers["HX-Retarget"] == "#screen"
    clock.advance(60)
    assert ended(w.get(WAIT))["result"] == "success"


def test_a_wrong_answer_then_the_right_one(app, client, user, clock):
    connection_id = needing_user(app, user, clock, login="question")
    w, page = open_user_input(client, user, connection_id, lng="en")
    assert 'name="answer"' in text(page)
    page = w.post(ANSWER, answer="violet-mauve")
    assert page.status_code == 422 and screen(page) == "challenge"
    assert "This answer was refused. Try again." in page_text(page) and "violet-mauve" not in text(page)
    page = w.post(ANSWER, answer="")
    assert page.status_code == 422 and "Enter the answer." in page_text(page)
    assert screen(w.post(ANSWER, answer="blue")) == "syncing"
    names = [e["name"] for e in events(client, w.session_id)]
    assert names.count("SUBMIT_CHALLENGE") == 2 and "ERROR" in names  # the empty one is not sent


def test_three_wrong_answers_end_with_challenge_failed(app, client, user, clock):
    connection_id = needing_user(app, user, clock)
    w, _ = open_user_input(client, user, connection_id)
    assert w.post(ANSWER, answer="1").status_code == 422
    assert w.post(ANSWER, answer="2").status_code == 422
    params = ended(w.post(ANSWER, answer="3"))
    assert params["result"] == "error" and params["error"] == "challenge_failed"
    assert params["connection_id"] == connection_id


def test_an_expired_challenge_ends_with_challenge_expired(app, client, user, clock):
    connection_id = needing_user(app, user, clock)
    w, _ = open_user_input(client, user, connection_id)
    clock.advance(601)
    params = ended(w.post(ANSWER, answer="123456"))
    assert params["result"] == "error" and params["error"] == "challenge_expired"


def test_non_captive_returns_once_the_answer_is_accepted(app, client, user, clock):
    connection_id = needing_user(app, user, clock)
    w, _ = open_user_input(client, user, connection_id, captive_mode="false")
    params = ended(w.post(ANSWER, answer="123456"))
    assert params == {"result": "success", "widget": "user_input", "connection_id": connection_id}


def test_a_sync_that_fails_after_the_answer(app, client, user, clock):
    connection_id = needing_user(app, user, clock)
    w, _ = open_user_input(client, user, connection_id)
    w.post(ANSWER, answer="123456")
    channel_id = call(app, user, "GET", "/connections/" + connection_id)["channels"][0]["id"]
    # New credentials mid-sync: the sandbox ends the sync as failed.
    call(app, user, "PUT", "/connections/%s/channels/%s/credentials" % (connection_id, channel_id),
         json={"credentials": {"login": "demo", "password": "pw"}})
    clock.advance(2)
    page = w.get(WAIT)
    assert screen(page) == "sync_failed" and 'action="/widget/user_input/failed"' in text(page)
    params = ended(w.post("/widget/user_input/failed"))
    assert params["result"] == "error" and params["error"] == "sync_failed"


# --- Nothing to do -----------------------------------------------------------------------------
def test_nothing_pending_within_the_wait(app, client, user, clock):
    connection_id = ready_connection(app, user, clock, login="demo")
    w, page = open_user_input(client, user, connection_id, lng="en", state="s")
    assert screen(page) == "user_input_waiting"
    clock.advance(29)
    assert screen(w.get(WAIT)) == "user_input_waiting"
    clock.advance(1)
    params = ended(w.get(WAIT))
    assert params == {"result": "error", "widget": "user_input", "connection_id": connection_id,
                      "error": "nothing_pending", "state": "s",
                      "error_description": "Your bank did not ask for any verification."}


def test_nothing_pending_through_the_htmx_poller(app, client, user, clock):
    connection_id = ready_connection(app, user, clock, login="demo")
    w, _ = open_user_input(client, user, connection_id)
    clock.advance(31)
    answer = poll(w, "user-input-wait")
    assert answer.status_code == 200 and ended(answer)["error"] == "nothing_pending"
    assert "HX-Redirect" in answer.headers


def test_a_blocked_channel_ends_at_once(app, client, user, clock):
    connection_id = ready_connection(app, user, clock, login="expired")
    synchronize(app, user, connection_id)
    clock.advance(60)  # the sync ends, and the bank's access with it
    _, opened = open_user_input(client, user, connection_id)
    params = ended(opened)
    assert params["error"] == "token_expired" and params["connection_id"] == connection_id


# --- Bad connection ids, leaving, stale steps, languages ---------------------------------------
@pytest.mark.parametrize("connection_id", ["", "../1", "x" * 65, "9999", "a b"])
def test_a_bad_connection_id_ends_with_invalid_connection(client, user, connection_id):
    _, opened = open_user_input(client, user, connection_id)
    params = ended(opened)
    assert params["result"] == "error" and params["error"] == "invalid_connection"
    assert params["widget"] == "user_input" and "connection_id" not in params


def test_a_connection_id_is_required(client, user):
    _, opened = open_widget(client, user, "user_input")
    assert ended(opened)["error"] == "invalid_connection"


def test_another_users_or_a_deleted_connection_is_not_known(app, client, user):
    theirs = bank_connection(app, sandbox_user(app, accept_terms=True))
    assert ended(open_user_input(client, user, theirs)[1])["error"] == "invalid_connection"
    mine = bank_connection(app, user)
    requests.delete(app.live_url + "/sandbox/api/v2.1/connections/" + mine, timeout=10,
                    headers={"Authorization": "Bearer " + user["access_token"]}).close()
    assert ended(open_user_input(client, user, mine)[1])["error"] == "invalid_connection"


@pytest.mark.parametrize("login", ["demo", "otp"])
def test_cancel_while_waiting_or_at_the_challenge(app, client, user, clock, login):
    connection_id = ready_connection(app, user, clock)
    if login == "otp":
        synchronize(app, user, connection_id)
    w, page = open_user_input(client, user, connection_id, state="c")
    assert screen(page) == ("challenge" if login == "otp" else "user_input_waiting")
    assert 'action="/widget/cancel"' in text(page)
    params = ended(w.post("/widget/cancel"))
    assert params == {"result": "cancelled", "widget": "user_input", "connection_id": connection_id,
                      "state": "c"}
    assert w.post(ANSWER, answer="123456").status_code == 409  # the run is over


def test_reopening_the_link_resumes_the_challenge(app, client, user, clock):
    connection_id = needing_user(app, user, clock)
    w, _ = open_user_input(client, user, connection_id)
    again = w.get("/widget/user_input", connection_id=connection_id)
    assert screen(again) == "challenge"
    assert [e["name"] for e in events(client, w.session_id)].count("CHALLENGE_REQUIRED") == 1


def test_user_input_steps_are_stale_for_another_widgets_run(client, user):
    w, _ = open_widget(client, user)  # add_connection
    assert w.post(ANSWER, answer="123456").status_code == 409
    assert w.get(WAIT).status_code == 409
    assert w.post("/widget/user_input/failed").status_code == 409


def test_english_and_french(app, client, user, clock):
    connection_id = ready_connection(app, user, clock, login="demo")
    _, english = open_user_input(client, user, connection_id, lng="en")
    assert 'lang="en"' in text(english) and "Verification by your bank" in page_text(english)
    assert "This page goes on by itself as soon as your bank asks" in page_text(english)
    _, french = open_user_input(client, user, connection_id)
    assert 'lang="fr"' in text(french) and "Vérification par votre banque" in page_text(french)
    assert "Annuler" in page_text(french)
