"""Events kept without the session's lock (widget/store.py `unlocked` with events, a search's).
On the file store a request numbers and appends its events under the events list's own hold,
which every request numbering the session's events takes, with the session's lock or not. On
Redis, a request without the lock appends only if no request holds it and the list's newest
event is still the one it numbered after; else it goes again with the lock. Either way no number
is given twice, the list stays in their order, and a request that goes again with the lock keeps
nothing of its first go."""
import json
import random
import threading
import time

import pytest
import redis

from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.webhook_receiver import Receiver
from widget import store as widget_store
from widget import file_locks
from widget.events import UNDELIVERED, sequence_of, track
from widget.store import NeedsLock, SessionBusy, widget_sessions
from widget.store_keys import events_key, stored_name
from widget.store_redis import RedisBackend
from widget.webhooks.delivery import Delivery
from widget.webhooks.queue import outbox_key

WEBHOOK_SECRET = "whsec_" + "w" * 40


@pytest.fixture
def app(tmp_path, store_config):
    return make_app(tmp_path, **store_config)


def on_redis(app):
    return bool(app.config.get("REDIS_URL"))


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


def searched(app, session_id):
    """A search's event kept without the lock; its number."""
    with app.app_context():
        with widget_sessions().unlocked(session_id, with_events=True) as data:
            return sequence_of(tracked(data, session_id, "SEARCH_PROVIDER"))


def test_an_event_without_the_lock_is_numbered_after_those_kept_and_the_record_untouched(
        app, session_id):
    with app.app_context():
        store = widget_sessions()
        with store.transaction(session_id) as data:
            tracked(data, session_id, "OPEN")
        record = store.sealed(session_id)
        assert searched(app, session_id) == 2
        assert store.sealed(session_id) == record
    assert numbers_kept(app, session_id) == [1, 2]


def test_while_another_request_holds_the_lock_files_keep_it_and_redis_sends_it_to_the_lock(
        app, session_id):
    with app.app_context():
        store = widget_sessions()
        with store.backend.lock(stored_name(session_id)):  # another request at work
            if on_redis(app):
                with pytest.raises(NeedsLock):
                    searched(app, session_id)
            else:
                assert searched(app, session_id) == 1
    assert numbers_kept(app, session_id) == ([] if on_redis(app) else [1])


@pytest.mark.redis
def test_on_redis_a_list_that_moved_since_the_numbering_sends_it_to_the_lock(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    app = make_app(tmp_path, REDIS_URL=REDIS_URL)
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": time.time() + 600})
        with pytest.raises(NeedsLock):
            with store.unlocked(session_id, with_events=True) as data:
                tracked(data, session_id, "SEARCH_PROVIDER")  # number 1
                assert searched(app, session_id) == 1  # another search kept its own 1 first
    assert numbers_kept(app, session_id) == [1]


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


def test_a_search_meets_a_request_that_numbered_events_and_comes_after_them(app, session_id):
    """Files: the search waits for the list, then numbers after. Redis: it goes to the lock."""
    numbered, go_on, order = threading.Event(), threading.Event(), []

    def locked_request():
        with app.app_context():
            with widget_sessions().transaction(session_id) as data:
                order.append(("locked", sequence_of(tracked(data, session_id, "SELECT"))))
                numbered.set()
                go_on.wait(5)  # at work on the upstream, say

    def search():
        try:
            order.append(("search", searched(app, session_id)))
        except NeedsLock:
            order.append(("search", "to the lock"))

    def started_search():
        searching.set()
        search()

    searching = threading.Event()
    first = threading.Thread(target=locked_request)
    first.start()
    assert numbered.wait(5)
    second = threading.Thread(target=started_search)
    second.start()
    assert searching.wait(5)
    time.sleep(0.1)
    if not on_redis(app):
        assert len(order) == 1  # the search waits for the list
    go_on.set()
    first.join(5)
    second.join(5)
    assert order == [("locked", 1), ("search", "to the lock" if on_redis(app) else 2)]
    assert numbers_kept(app, session_id) == ([1] if on_redis(app) else [1, 2])


def test_on_files_a_search_busy_too_long_on_the_list_is_busy(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": time.time() + 600})
        store.backend.lock_wait_seconds = 0.05
        with store.transaction(session_id) as data:
            tracked(data, session_id, "SELECT_PROVIDER")  # holds the list until saved
            with pytest.raises(SessionBusy):
                searched(app, session_id)
    assert numbers_kept(app, session_id) == [1]


def hammer(app, session_id, rounds):
    """Requests of one session at once, locked and not, each keeping events (1 or 2); those
    without the lock that must go again with it are counted as not kept."""
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
                except (SessionBusy, NeedsLock):
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
    if on_redis(app):
        app.extensions["widget_sessions"].backend.locks.wait_seconds = 10
    kept, failures = hammer(app, session_id, 25)
    assert not failures
    numbers = numbers_kept(app, session_id)
    assert len(numbers) == len(kept) > 75
    assert numbers == sorted(set(numbers))  # unique, and the list in their order
    assert sorted(sequence_of(event_id) for event_id in kept) == numbers


def two_searches_interleaved(app, session_id):
    """Two searches, each numbered before the other keeps its event (the inner one keeps
    first): what became of each, (outer, inner)."""
    outcomes = {}
    with app.app_context():
        store = widget_sessions()
        store.backend.lock_wait_seconds = 0.05
        try:
            with store.unlocked(session_id, with_events=True) as outer:
                tracked(outer, session_id, "SEARCH_PROVIDER")
                try:
                    with store.unlocked(session_id, with_events=True) as inner:
                        tracked(inner, session_id, "SEARCH_PROVIDER")
                    outcomes["inner"] = "kept"
                except (SessionBusy, NeedsLock) as exc:
                    outcomes["inner"] = type(exc).__name__
            outcomes["outer"] = "kept"
        except (SessionBusy, NeedsLock) as exc:
            outcomes["outer"] = type(exc).__name__
    return outcomes["outer"], outcomes["inner"]


def test_a_search_numbered_while_another_numbers_goes_elsewhere(app, session_id):
    """Files: the inner one waits for the list the outer holds (here, in one thread, too long:
    busy). Redis: the inner one keeps its event first; the outer's append finds the list's
    newest changed, and goes to the lock."""
    assert two_searches_interleaved(app, session_id) == \
        (("NeedsLock", "kept") if on_redis(app) else ("kept", "SessionBusy"))
    assert numbers_kept(app, session_id) == [1]


def test_the_same_searches_with_no_guard_give_a_number_twice(app, session_id, monkeypatch):
    """The guard the test above shows can fail: with a hold that locks nothing (files), or an
    append that checks nothing (Redis), both searches keep number 1."""
    monkeypatch.setattr(file_locks, "flock_by", lambda fd, deadline: True)
    monkeypatch.setattr(RedisBackend, "append_unlocked",
                        lambda self, name, live, newest, appends:
                        self.write([], appends=appends) or True)
    assert two_searches_interleaved(app, session_id) == ("kept", "kept")
    assert numbers_kept(app, session_id) == [1, 1]


@pytest.mark.parametrize("ended", ["before its number", "after its number"])
def test_a_search_that_meets_the_session_s_end_keeps_nothing(app, session_id, ended):
    """The session ends (its record and list removed) between the search's read and its
    append: the search goes to the lock, which finds it ended; no list is numbered anew."""
    with app.app_context():
        store = widget_sessions()
        with store.transaction(session_id) as data:
            tracked(data, session_id, "OPEN")
        with pytest.raises(NeedsLock):
            with store.unlocked(session_id, with_events=True) as data:
                if ended == "before its number":
                    store.end(session_id)
                tracked(data, session_id, "SEARCH_PROVIDER")
                if ended == "after its number":
                    store.end(session_id)
        assert store.load(session_id) is None
        assert store.event_lists.backend.read_list(events_key(session_id), 10) == []


class StoreClock:
    """What widget/store.py reads as `time`: its `time()` moved by the test."""

    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now


def test_a_search_that_outlives_its_session_keeps_nothing(app, monkeypatch):
    clock = StoreClock()
    monkeypatch.setattr(widget_store, "time", clock)
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": clock.now + 60})
        with pytest.raises(NeedsLock):
            with store.unlocked(session_id, with_events=True) as data:
                tracked(data, session_id, "SEARCH_PROVIDER")
                clock.now += 61  # its last second went by while it answered
    assert numbers_kept(app, session_id) == []


def test_on_files_an_event_kept_without_the_lock_goes_to_the_webhook_and_one_not_kept_not(
        tmp_path):
    receiver = Receiver(WEBHOOK_SECRET).start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS=webhook_client(receiver.url))
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
        receiver.wait_for(1)
        deliveries, deadline = app.extensions["webhook_thread"], time.monotonic() + 30
        while deliveries.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [(body["name"], body["event_id"]) for body in receiver.accepted()] == \
            [("SEARCH_PROVIDER", kept)]
    finally:
        receiver.stop()


def webhook_client(url):
    return {"c": {"redirect_urls": ["https://client.example"], "webhook_url": url,
                  "webhook_secret": WEBHOOK_SECRET}}


@pytest.mark.redis
def test_on_redis_the_outbox_gets_the_kept_event_s_delivery_in_the_same_script(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    # Nobody listens there: the job this enqueues fails fast, whichever test's worker takes it.
    app = make_app(tmp_path, REDIS_URL=REDIS_URL,
                   WIDGET_CLIENTS=webhook_client("http://127.0.0.1:9/"))
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": time.time() + 600, "client_id": "c",
                                   "options": {}})
        with store.backend.lock(stored_name(session_id)):  # the append is refused: no delivery
            with pytest.raises(NeedsLock):
                searched(app, session_id)
        assert searched(app, session_id) == 1
        key = outbox_key(stored_name(session_id))
        sealed = redis.Redis.from_url(REDIS_URL).lrange(key, 0, -1)
        redis.Redis.from_url(REDIS_URL).delete(key)
    opened = [Delivery.opened(store.cipher, value) for value in sealed]
    assert [json.loads(d.body)["name"] for d in opened] == ["SEARCH_PROVIDER"]
