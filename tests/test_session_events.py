"""A session's events are a list beside its record: the record every request reads stays small,
the Client reads the last 500 in order, and they are saved with the record or not at all."""
import time

import pytest

from tests.client_backend import CLIENT, basic
from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.widget_driver import open_widget
from widget.events import MAX_EVENTS, track
from widget.store import SessionBusy, widget_sessions
from widget.store_keys import events_key, live_key, stored_name

STORES = [pytest.param({}, id="filesystem"),
          pytest.param({"REDIS_URL": REDIS_URL}, id="redis", marks=pytest.mark.redis)]


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    if request.param and not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    app = make_app(tmp_path, **request.param)
    with app.app_context():
        yield widget_sessions()


def new_session(store, lifetime=600):
    return store.create({"expires_at_ts": time.time() + lifetime, "client_id": "c",
                         "options": {}})


def names(store, session_id):
    return [event["name"] for event in store.events(session_id, store.load(session_id))]


def track_in_requests(store, session_id, count, start=0):
    for n in range(start, start + count):
        with store.transaction(session_id) as data:
            track(data, session_id, "SEARCH_PROVIDER", "add_connection", count=n)


def test_the_last_events_in_order_and_a_record_that_stays_small(store):
    session_id = new_session(store)
    track_in_requests(store, session_id, 3)
    small = len(store.backend.get(live_key(session_id)))
    track_in_requests(store, session_id, MAX_EVENTS + 100, start=3)
    events = store.events(session_id, store.load(session_id))
    assert [e["data"]["count"] for e in events] == list(range(103, MAX_EVENTS + 103))
    # Each request's event goes to the list: the record holds only what no page handed over.
    with store.transaction(session_id) as data:
        data.pop("events_undelivered")
    assert len(store.backend.get(live_key(session_id))) <= small


def test_a_request_that_fails_records_no_event(store):
    session_id = new_session(store)
    with pytest.raises(RuntimeError):
        with store.transaction(session_id) as data:
            track(data, session_id, "OPEN", "add_connection")
            raise RuntimeError("the view failed")
    assert names(store, session_id) == []
    track_in_requests(store, session_id, 1)
    assert names(store, session_id) == ["SEARCH_PROVIDER"]


def test_events_go_with_the_session(store):
    session_id = new_session(store)
    track_in_requests(store, session_id, 2)
    store.end(session_id)
    assert store.backend.read_list(events_key(session_id), MAX_EVENTS) == []


def test_a_record_of_the_previous_release_keeps_its_events(store):
    """Before 2026-12-04 the record held the events: they come first, then the new ones."""
    session_id = new_session(store)
    with store.transaction(session_id) as data:
        data["events"] = [{"name": "OPEN", "date": "2026-12-03T10:00:00.000Z",
                           "widget": "add_connection", "data": {}}]
    track_in_requests(store, session_id, 1)
    assert names(store, session_id) == ["OPEN", "SEARCH_PROVIDER"]


@pytest.mark.redis
def test_a_holder_that_lost_its_lock_adds_no_event(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    app = make_app(tmp_path, REDIS_URL=REDIS_URL)
    with app.app_context():
        store = widget_sessions()
        session_id = new_session(store)
        with pytest.raises(SessionBusy):
            with store.transaction(session_id) as first:
                store.backend.client.delete("widget-lock:" + stored_name(session_id))
                with store.transaction(session_id) as second:
                    track(second, session_id, "SELECT_PROVIDER", "add_connection")
                track(first, session_id, "SELECT_PROVIDER", "add_connection")
        assert names(store, session_id) == ["SELECT_PROVIDER"]  # the next holder's only


def test_the_file_store_trims_its_lists_and_sweeps_those_of_gone_sessions(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        store = widget_sessions()
        lists = store.backend.lists
        kept, gone = new_session(store), store.new_id()  # `gone` expired and was removed
        most = 3
        for n in range(200):
            lists.append(events_key(kept), [b"%04d" % n + b"x" * 1000], most)
        assert [line[:4] for line in lists.read(events_key(kept), most)] == \
            [b"0197", b"0198", b"0199"]
        with open(lists._path(events_key(kept)), "rb") as fh:
            assert len(fh.readlines()) < 10  # trimmed, not 200 lines
        lists.append(events_key(gone), [b"event"], most)
        store.backend.sweep()
        assert lists.read(events_key(gone), most) == []
        assert lists.read(events_key(kept), most) != []


def test_the_events_api_over_a_widget_run(client, user):
    w, _ = open_widget(client, user)
    for term in ("caisse", "credit", "banque"):
        w.get("/widget/add_connection/providers", q=term)
    answer = client.get("/widget_session/%s/events" % w.session_id, headers=basic(*CLIENT))
    assert answer.status_code == 200
    assert [e["name"] for e in answer.get_json()] == ["OPEN"] + ["SEARCH_PROVIDER"] * 3
    client.delete("/widget_session/%s" % w.session_id, headers=basic(*CLIENT))
    assert client.get("/widget_session/%s/events" % w.session_id,
                      headers=basic(*CLIENT)).status_code == 404
