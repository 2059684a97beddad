"""A session's lock: held as long as its holder works, fenced when lost, and a request that finds
it held is answered at once (DESIGN.md section 9)."""
import threading
import time

import pytest

from tests.client_backend import CLIENT
from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.widget_driver import HTMX, create_session, open_widget, returned, screen, text
from widget.store import SessionBusy, widget_sessions
from widget.store_keys import stored_name


@pytest.fixture
def redis_store(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    app = make_app(tmp_path, REDIS_URL=REDIS_URL, SESSION_LOCK_SECONDS=2)
    with app.app_context():
        yield widget_sessions()


def new_session(store, **data):
    return store.create({"expires_at_ts": time.time() + 600, **data})


def lock_key(session_id):
    return "widget-lock:" + stored_name(session_id)


@pytest.mark.parametrize("store_config", [{}, pytest.param({"REDIS_URL": REDIS_URL},
                                                           marks=pytest.mark.redis)])
def test_a_held_session_is_busy_for_another_request_after_its_wait(tmp_path, store_config):
    app = make_app(tmp_path, **store_config)
    with app.app_context():
        store = widget_sessions()
        session_id = new_session(store)
        with store.backend.lock(stored_name(session_id)):  # another request holds it
            with pytest.raises(SessionBusy):
                with store.transaction(session_id, wait=0.05):
                    pass
        with store.transaction(session_id, wait=0) as data:  # free again
            data["seen"] = True
        assert store.load(session_id)["seen"] is True


@pytest.mark.redis
def test_a_lock_held_past_its_time_to_live_is_renewed(redis_store):
    """The holder's upstream call (4.5 s) outlasts the lock's time to live (2 s), with a margin
    for a keeper thread starved on a loaded machine (it renews every 0.67 s)."""
    session_id = new_session(redis_store, n=0)
    holding, done = threading.Event(), threading.Event()

    def slow_request():
        with redis_store.transaction(session_id) as data:
            holding.set()
            time.sleep(4.5)
            data["n"] = 1
        done.set()

    holder = threading.Thread(target=slow_request)
    holder.start()
    holding.wait()
    refused = 0
    while not done.is_set():
        try:
            with redis_store.transaction(session_id, wait=0) as data:
                if not done.is_set():
                    data["n"] = 2  # a second holder while the first still works
        except SessionBusy:
            refused += 1
        time.sleep(0.1)
    holder.join()
    assert redis_store.load(session_id)["n"] == 1
    assert refused > 0  # and n == 1: no second holder wrote while the first held it


@pytest.mark.redis
def test_a_holder_that_lost_its_lock_writes_nothing(redis_store):
    session_id = new_session(redis_store, n=0)
    client = redis_store.backend.client
    with pytest.raises(SessionBusy):
        with redis_store.transaction(session_id) as first:
            client.delete(lock_key(session_id))  # expired while the process was frozen
            with redis_store.transaction(session_id) as second:  # another request takes over
                second["n"] = 2
            first["n"] = 1  # the late holder's write is refused
    assert redis_store.load(session_id)["n"] == 2


@pytest.mark.redis
def test_a_late_holder_never_releases_the_lock_of_the_next(redis_store):
    session_id = new_session(redis_store)
    client = redis_store.backend.client
    with redis_store.backend.lock(stored_name(session_id)):
        client.delete(lock_key(session_id))
        client.set(lock_key(session_id), "next-holder", px=5000)
    assert client.get(lock_key(session_id)) == b"next-holder"
    client.delete(lock_key(session_id))


@pytest.mark.redis
def test_the_keeper_thread_stops_when_no_lock_is_held(redis_store):
    session_id = new_session(redis_store)
    with redis_store.transaction(session_id):
        time.sleep(0.5)  # the keeper renews once at least
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
            t.name == "session-lock-keeper" for t in threading.enumerate()):
        time.sleep(0.05)
    assert not [t for t in threading.enumerate() if t.name == "session-lock-keeper"]
    assert redis_store.backend.client.exists(lock_key(session_id)) == 0


# --- What the user sees -----------------------------------------------------------------------

@pytest.fixture
def held(app):
    """Hold a session's lock as another request of it would, for the length of a `with`."""
    backend = app.extensions["widget_sessions"].backend
    backend.lock_wait_seconds = 0.05
    return lambda session_id: backend.lock(stored_name(session_id))


def test_a_duplicate_submission_is_told_at_once_and_goes_on_by_itself(client, user, held):
    w, _ = open_widget(client, user, provider_id="web")
    with held(w.session_id):
        again = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert again.status_code == 409 and screen(again) == "in_progress"
    page = text(again)
    assert '<meta http-equiv="refresh" content="1;url=/widget/resume?session_id=' in page
    assert 'role="status" aria-live="polite"' in page and "<title>" in page
    resumed = w.get("/widget/resume")  # once free: the screen the run stands at
    assert resumed.status_code == 200 and screen(resumed) == "credentials"


def test_with_htmx_the_waiting_screen_polls_then_is_replaced(client, user, held):
    w, _ = open_widget(client, user, provider_id="web")
    with held(w.session_id):
        again = w.post("/widget/add_connection/credentials", htmx=True, login="demo", password="pw")
        assert again.status_code == 409 and 'hx-get="/widget/resume?session_id=' in text(again)
        assert 'hx-trigger="every 1s"' in text(again) and "<html" not in text(again)
        poll = w.get("/widget/resume", headers={**HTMX, "HX-Trigger": "in-progress-wait"})
        assert poll.status_code == 204  # still busy: the screen stays, the poller goes on
    done = w.get("/widget/resume", headers={**HTMX, "HX-Trigger": "in-progress-wait"})
    assert done.status_code == 200 and screen(done) == "credentials"
    assert done.headers["HX-Retarget"] == "#screen"


def test_a_poll_of_a_busy_session_answers_at_once_and_keeps_its_screen(client, user, held):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="slow", password="pw")
    w.post("/widget/add_connection/consent")
    with held(w.session_id):
        assert w.poll("sync-progress").status_code == 204


def test_the_waiting_screen_speaks_the_run_s_language(client, user, held):
    w, _ = open_widget(client, user, provider_id="web", locale="en")
    with held(w.session_id):
        again = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert '<html lang="en"' in text(again) and "Your request is being processed" in text(again)
    w2, _ = open_widget(client, user, provider_id="web")
    with held(w2.session_id):
        again = w2.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert '<html lang="fr"' in text(again) and "Votre demande est en cours" in text(again)


def test_resume_after_the_run_ended_tells_the_same_ending_without_a_new_event(client, user):
    w, _ = open_widget(client, user, state="s")
    assert returned(w.post("/widget/cancel"))["result"] == "cancelled"
    again = w.get("/widget/resume")
    assert returned(again) == {"result": "cancelled", "widget": "add_connection", "state": "s"}
    events = client.get(f"/widget_session/{w.session_id}/events", auth=CLIENT).get_json()
    names = [event["name"] for event in events]
    assert names.count("EXIT") == 1 and names.count("REDIRECT") == 1


@pytest.mark.parametrize("session_id, status, expected", [
    ("x" * 43, 404, "session_missing"),  # unknown
    ("not-an-id", 404, "session_missing"),
])
def test_resume_of_an_unknown_session(client, session_id, status, expected):
    answer = client.get("/widget/resume", query_string={"session_id": session_id})
    assert answer.status_code == status and screen(answer) == expected


def test_resume_of_a_session_never_opened_is_stale(client, user):
    session_id = create_session(client, user, redirect_url="http://localhost:5000/r").get_json()
    answer = client.get("/widget/resume", query_string={"session_id": session_id["session_id"]})
    assert answer.status_code == 409 and screen(answer) == "stale"
