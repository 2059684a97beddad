"""Events kept without the session's lock (widget/store.py `unlocked` with events): on the file
store a search numbers and appends its event under the events list's own hold, which every
request numbering the session's events takes, with the session's lock or not. No number is given
twice, the list stays in their order, and a request that goes again with the lock keeps nothing
of its first go."""
import random
import threading
import time

import pytest

from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.webhook_receiver import Receiver
from widget import store_file_lists
from widget.events import UNDELIVERED, sequence_of, track
from widget.store import NeedsLock, SessionBusy, widget_sessions
from widget.store_keys import stored_name

WEBHOOK_SECRET = "whsec_" + "w" * 40


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def session_id(app):
    with app.app_context():
        return widget_sessions().create({"expires_at_ts": time.time() + 600})


def tracked(data, session_id, name):
    """Track an event, handed to the page at once (as a response hands it)."""
    event = track(data, session_id, name, "add_connection", log=False)
    data.pop(UNDELIVERED)
    return event["event_id"]


def numbers_kept(app, session_id):
    with app.app_context():
        store = widget_sessions()
        return [sequence_of(e["event_id"]) for e in store.events(session_id, {})]


def test_an_event_without_the_lock_is_numbered_after_those_kept_and_the_record_untouched(
        app, session_id):
    with app.app_context():
        store = widget_sessions()
        with store.transaction(session_id) as data:
            tracked(data, session_id, "OPEN")
        record = store.sealed(session_id)
        with store.backend.lock(stored_name(session_id)):  # another request at work
            with store.unlocked(session_id, with_events=True) as data:
                event_id = tracked(data, session_id, "SEARCH_PROVIDER")
        assert sequence_of(event_id) == 2
        assert store.sealed(session_id) == record
    assert numbers_kept(app, session_id) == [1, 2]


def test_a_request_that_must_go_again_with_the_lock_keeps_nothing_and_lets_the_list_go(
        app, session_id):
    with app.app_context():
        store = widget_sessions()
        with pytest.raises(NeedsLock):
            with store.unlocked(session_id, with_events=True) as data:
                tracked(data, session_id, "SEARCH_PROVIDER")
                data["run"] = {"step": "elsewhere"}  # a change: only the lock may save it
        assert numbers_kept(app, session_id) == []
        store.backend.lock_wait_seconds = 0  # the list was let go: no wait
        with store.transaction(session_id) as data:
            tracked(data, session_id, "SEARCH_PROVIDER")
    assert numbers_kept(app, session_id) == [1]


def test_without_events_asked_an_event_needs_the_lock(app, session_id):
    with app.app_context():
        with widget_sessions().unlocked(session_id) as data:
            with pytest.raises(RuntimeError):
                tracked(data, session_id, "SEARCH_PROVIDER")


def test_a_search_waits_for_a_request_that_numbered_events_and_comes_after_them(
        app, session_id):
    numbered, go_on, order = threading.Event(), threading.Event(), []

    def locked_request():
        with app.app_context():
            with widget_sessions().transaction(session_id) as data:
                order.append(("locked", tracked(data, session_id, "SELECT_PROVIDER")))
                numbered.set()
                go_on.wait(5)  # at work on the upstream, say

    def search():
        with app.app_context():
            with widget_sessions().unlocked(session_id, with_events=True) as data:
                order.append(("search", tracked(data, session_id, "SEARCH_PROVIDER")))

    first = threading.Thread(target=locked_request)
    first.start()
    assert numbered.wait(5)
    second = threading.Thread(target=search)
    second.start()
    time.sleep(0.1)
    assert len(order) == 1  # the search waits for the list
    go_on.set()
    first.join(5)
    second.join(5)
    assert [(who, sequence_of(event_id)) for who, event_id in order] == \
        [("locked", 1), ("search", 2)]
    assert numbers_kept(app, session_id) == [1, 2]


def test_a_search_busy_too_long_on_the_list_is_busy(app, session_id):
    with app.app_context():
        store = widget_sessions()
        store.backend.lock_wait_seconds = 0.05
        with store.transaction(session_id) as data:
            tracked(data, session_id, "SELECT_PROVIDER")  # holds the list until saved
            with pytest.raises(SessionBusy):
                with store.unlocked(session_id, with_events=True) as other:
                    tracked(other, session_id, "SEARCH_PROVIDER")
    assert numbers_kept(app, session_id) == [1]


def hammer(app, session_id, rounds):
    """Requests of one session at once, locked and not, each keeping events (1 or 2)."""
    kept, failures = [], []

    def requests_of(seed):
        chance = random.Random(seed)
        with app.app_context():
            store = widget_sessions()
            for _ in range(rounds):
                try:
                    if chance.random() < 0.5:
                        with store.transaction(session_id) as data:
                            for _ in range(chance.choice((1, 2))):
                                kept.append(tracked(data, session_id, "SELECT_PROVIDER"))
                                time.sleep(0.001)
                    else:
                        with store.unlocked(session_id, with_events=True) as data:
                            event_id = tracked(data, session_id, "SEARCH_PROVIDER")
                            time.sleep(0.001)
                        kept.append(event_id)
                except SessionBusy:
                    pass
                except Exception as exc:  # noqa: BLE001  reported below
                    failures.append(exc)

    threads = [threading.Thread(target=requests_of, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return kept, failures


def test_requests_at_once_locked_or_not_never_give_a_number_twice(app, session_id):
    app.extensions["widget_sessions"].backend.lock_wait_seconds = 10
    kept, failures = hammer(app, session_id, 25)
    assert not failures
    numbers = numbers_kept(app, session_id)
    assert len(numbers) == len(kept) > 100
    assert numbers == sorted(set(numbers))  # unique, and the list in their order


def test_the_same_requests_with_no_hold_on_the_list_would_give_numbers_twice(
        app, session_id, monkeypatch):
    """The guard above can fail: with a hold that locks nothing, numbers collide."""
    monkeypatch.setattr(store_file_lists, "flock_by", lambda fd, deadline: True)
    app.extensions["widget_sessions"].backend.lock_wait_seconds = 10
    kept, _ = hammer(app, session_id, 25)
    numbers = numbers_kept(app, session_id)
    assert len(set(numbers)) < len(numbers)


@pytest.mark.redis
def test_on_redis_an_event_needs_the_lock(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    app = make_app(tmp_path, REDIS_URL=REDIS_URL)
    with app.app_context():
        store = widget_sessions()
        assert not store.events_without_lock
        session_id = store.create({"expires_at_ts": time.time() + 600})
        with store.unlocked(session_id, with_events=True) as data:
            with pytest.raises(RuntimeError):
                tracked(data, session_id, "SEARCH_PROVIDER")


def test_an_event_kept_without_the_lock_goes_to_the_client_s_webhook_and_one_not_kept_does_not(
        tmp_path):
    receiver = Receiver(WEBHOOK_SECRET).start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS={"c": {
            "redirect_urls": ["https://client.example"], "webhook_url": receiver.url,
            "webhook_secret": WEBHOOK_SECRET}})
        with app.app_context():
            store = widget_sessions()
            session_id = store.create({"expires_at_ts": time.time() + 600, "client_id": "c",
                                       "options": {}})
            with pytest.raises(NeedsLock):
                with store.unlocked(session_id, with_events=True) as data:
                    tracked(data, session_id, "SELECT_PROVIDER")
                    data["run"] = {"step": "elsewhere"}
            with store.unlocked(session_id, with_events=True) as data:
                kept = tracked(data, session_id, "SEARCH_PROVIDER")
        accepted = receiver.wait_for(1)
        deliveries, deadline = app.extensions["webhook_thread"], time.monotonic() + 30
        while deliveries.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [(body["name"], body["event_id"]) for body in receiver.accepted()] == \
            [("SEARCH_PROVIDER", kept)]
        assert accepted
    finally:
        receiver.stop()
