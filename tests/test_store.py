"""The widget session store, on the filesystem and on the real Redis."""
import json
import threading
import time
import uuid

import pytest
import redis

from tests.client_backend import sandbox_user
from tests.live_server import build_app
from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.widget_driver import create_session
from widget.events import NUMBERS, SEQUENCE
from widget.store import SESSION_ID, SavedRecord, widget_sessions
from widget.store_keys import events_key, live_key, stale_key


@pytest.fixture(params=["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def store_app(request, tmp_path):
    if request.param == "redis":
        if not redis_available():
            pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
        app = make_app(tmp_path, REDIS_URL=REDIS_URL)
    else:
        app = make_app(tmp_path)
    with app.app_context():
        yield app


def test_create_load_and_ids(store_app):
    store = widget_sessions()
    sid = store.create({"expires_at_ts": time.time() + 60, "x": 1})
    assert SESSION_ID.match(sid) and len(sid) == 43  # 32 random bytes, 256 bits
    assert store.load(sid)["x"] == 1
    assert store.load("nope") is None and store.load(sid[:-1] + "A" if sid[-1] != "A" else sid[:-1] + "B") is None


def test_transaction_saves_changes_and_delete_removes_both_records(store_app):
    store = widget_sessions()
    sid = store.create({"expires_at_ts": time.time() + 60, "n": 0})
    with store.transaction(sid) as data:
        data["n"] = 1
    assert store.load(sid)["n"] == 1
    store.delete(sid)
    assert store.load(sid) is None and store.peek_expired(sid) is None


def test_the_stale_record_is_written_only_when_what_it_holds_changes(store_app, monkeypatch):
    store = widget_sessions()
    sid = store.create({"expires_at_ts": time.time() + 60, "options": {"locale": "fr"},
                        "run": {"widget": "add_connection", "step": "providers"}})
    written = []
    write = store.backend.write
    monkeypatch.setattr(store.backend, "write", lambda records, *args, **kwargs: (
        written.append([key for key, _value, _ttl in records]), write(records, *args, **kwargs)))
    with store.transaction(sid) as data:
        data["run"]["step"] = "credentials"  # not what an old link needs
    with store.transaction(sid) as data:
        data["run"]["connection_id"] = "7"  # what an old link needs: rewritten
    assert written == [[live_key(sid)], [live_key(sid), stale_key(sid)]]
    store.end(sid)
    assert store.peek_expired(sid)["run"] == {"widget": "add_connection", "connection_id": "7"}


@pytest.mark.parametrize("change, rewritten", [
    (lambda data: None, False),
    (lambda data: data.update(run={"step": "syncing", "progress": {"step": 1}}), False),  # equal
    (lambda data: data["run"]["progress"].update(step=2), True),  # deep inside
    (lambda data: data.update(extra=None), True),
    (lambda data: data.pop("run"), True),
])
def test_a_transaction_rewrites_the_record_only_when_its_data_changed(
        store_app, monkeypatch, change, rewritten):
    store = widget_sessions()
    sid = store.create({"expires_at_ts": time.time() + 60,
                        "run": {"step": "syncing", "progress": {"step": 1}}})
    written = []
    write = store.backend.write
    monkeypatch.setattr(store.backend, "write", lambda records, *args, **kwargs: (
        written.append([key for key, _value, _ttl in records]), write(records, *args, **kwargs)))
    with store.transaction(sid) as data:
        expected = json.loads(json.dumps({k: v for k, v in data.items() if k != NUMBERS}))
        change(data)
        change(expected)
    assert (written == [[live_key(sid)]]) is rewritten and written in ([], [[live_key(sid)]])
    assert store.load(sid) == expected


def test_a_record_that_still_holds_an_event_counter_is_rewritten_without_it(store_app):
    store = widget_sessions()
    sid = store.create({"expires_at_ts": time.time() + 60, SEQUENCE: 4})
    with store.transaction(sid) as data:
        assert SEQUENCE not in data
    assert SEQUENCE not in store.load(sid)


def test_expired_session_is_kept_for_its_redirect(store_app):
    store = widget_sessions()
    sid = store.create({"expires_at_ts": time.time() - 1, "options": {"redirect_url": "http://localhost/r"}})
    assert store.load(sid) is None
    assert store.peek_expired(sid)["options"]["redirect_url"] == "http://localhost/r"
    with store.transaction(sid) as data:
        assert data is None


def test_transactions_of_one_session_never_overlap(store_app):
    store = widget_sessions()
    sid = store.create({"expires_at_ts": time.time() + 60, "n": 0})
    app = store_app

    def bump():
        with app.app_context():
            for _ in range(10):
                with widget_sessions().transaction(sid) as data:
                    value = data["n"]
                    time.sleep(0.001)
                    data["n"] = value + 1

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.load(sid)["n"] == 40  # no lost update


def test_redis_sessions_are_shared_between_apps(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    one = make_app(tmp_path / "one", REDIS_URL=REDIS_URL)
    two = make_app(tmp_path / "two", REDIS_URL=REDIS_URL)
    marker = uuid.uuid4().hex
    with one.app_context():
        sid = widget_sessions().create({"expires_at_ts": time.time() + 60, "marker": marker})
    with two.app_context():
        assert widget_sessions().load(sid)["marker"] == marker


def test_a_widget_flow_on_redis(tmp_path):
    """The whole stack with REDIS_URL: the session created by the API is served from Redis."""
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    app, server = build_app(tmp_path, REDIS_URL=REDIS_URL)
    server.start()
    app.live_url = server.url
    try:
        client = app.test_client()
        user = sandbox_user(app, accept_terms=True)
        session_id = create_session(client, user).get_json()["session_id"]
        page = client.get("/widget/add_connection", query_string={"session_id": session_id})
        assert page.status_code == 200 and b'data-screen="providers"' in page.data
        server_redis = redis.Redis.from_url(REDIS_URL)
        stored = server_redis.get(live_key(session_id))
        assert stored is not None
        with app.app_context():  # the record is sealed: the store opens it
            cipher = widget_sessions().cipher
            assert '"OPEN"' not in cipher.open(stored)  # events are a list beside the record
            events = server_redis.lrange(events_key(session_id), 0, -1)
            assert [e.split(b":", 1)[0] for e in events] == [b"1"]  # its number, then sealed
            opened = [json.loads(cipher.open(e.split(b":", 1)[1])) for e in events]
            assert [event["name"] for event in opened] == ["OPEN"]
            assert server_redis.pttl(events_key(session_id)) > 0  # it expires with the session
        assert not list((tmp_path / "instance").glob("sessions/*"))  # nothing on the filesystem
    finally:
        server.stop()


def test_a_write_removes_legacy_records_only_for_a_session_read_under_its_legacy_name(store_app):
    """Removing the legacy names on every write cost each write two removals that found nothing:
    only the write that renames a session read under its id removes them."""
    store = widget_sessions()
    removed = []
    write = store.backend.write

    def spy(records, deletes=(), **kwargs):
        removed.append(list(deletes))
        return write(records, deletes=deletes, **kwargs)

    store.backend.write = spy
    legacy = {"expires_at_ts": time.time() + 60, "client_id": "c", "options": {}, "n": 1}
    old_id, new_id = store.new_id(), store.create(dict(legacy))
    write([("widget:" + old_id, store._sealed(legacy), 60)])
    removed.clear()
    for session_id in (new_id, old_id, old_id):
        with store.transaction(session_id) as data:
            data["n"] += 1
    assert removed == [[], ["widget:" + old_id, "widget-stale:" + old_id], []]
    assert store.load(old_id)["n"] == 3 and store.load(new_id)["n"] == 2


def test_a_session_written_under_its_id_by_the_previous_release_goes_on(store_app):
    """Records were named by the session id before they were named by its digest: a run in
    progress during the deploy goes on, and its next write renames its records."""
    store = widget_sessions()
    session_id, state = store.new_id(), store.new_id()
    data = {"expires_at_ts": time.time() + 60, "client_id": "c", "options": {}, "n": 1}
    store.backend.write([("widget:" + session_id, store._sealed(data), 60),
                         ("widget-bank-state:" + state,
                          store._sealed({"session_id": session_id}), 60)])
    assert store.load(session_id)["n"] == 1
    assert store.bank_states.record(state) == {"session_id": session_id}
    with store.transaction(session_id) as loaded:
        loaded["n"] = 2
    assert store.backend.get("widget:" + session_id) is None  # renamed
    assert store.backend.get(live_key(session_id)) is not None
    assert store.load(session_id)["n"] == 2
    store.bank_states.spend(state, session_id, time.time() + 60)
    assert store.bank_states.record(state)["spent"] is True  # the old, unspent record is gone
    assert store.backend.get("widget-bank-state:" + state) is None


@pytest.mark.parametrize("change, left", [
    (lambda data: data.update(n=2), "written"),  # the record it wrote
    (lambda data: None, "read"),  # nothing changed: the record it read, still there
    (lambda data: data.update(expires_at_ts=time.time()), None),  # ended: no record
])
def test_a_transaction_tells_the_record_it_left(store_app, change, left):
    """A poll made with the lock leaves its 204 for the record as it stands after it
    (views/poll_hints.py): the record written, or the one read when nothing changed."""
    store = widget_sessions()
    session_id = store.create({"expires_at_ts": time.time() + 60, "client_id": "c",
                               "options": {}, "n": 1})
    read = store.sealed(session_id)
    saved = SavedRecord()
    with store.transaction(session_id, saved=saved) as data:
        change(data)
    if left is None:
        assert saved.sealed is None and store.sealed(session_id) is None
    else:
        # The same record a read gives (Redis reads its bytes back, the files their text).
        assert as_bytes(saved.sealed) == as_bytes(store.sealed(session_id))
        assert (as_bytes(saved.sealed) == as_bytes(read)) is (left == "read")


def test_a_transaction_of_an_unknown_session_leaves_no_record(store_app):
    saved = SavedRecord()
    with widget_sessions().transaction(widget_sessions().new_id(), saved=saved) as data:
        assert data is None
    assert saved.sealed is None


def as_bytes(sealed):
    return sealed.encode() if isinstance(sealed, str) else sealed
