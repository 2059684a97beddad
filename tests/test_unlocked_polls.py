"""A waiting screen's poll that changes nothing (within its interval) reads the session without
its lock and writes nothing (issue 11); one that asks the API or changes the session goes
again with the lock, on either store. Times are the fake clock's."""
import time

import pytest

from tests.session_stores import make_app
from tests.syncing_sessions import STORES, saved_run, syncing
from tests.syncing_sessions import api_calls, app, user  # noqa: F401 (fixtures)
from tests.widget_driver import events, returned
from widget.store import NeedsLock, widget_sessions
from widget.store_keys import stored_name

SPIED = ("lock", "exists", "write", "delete")


@pytest.fixture
def store_calls(app, monkeypatch):
    """The names of the calls the widget's requests make to the store's lock and writes."""
    backend, calls = app.extensions["widget_sessions"].backend, []
    for name in SPIED:
        def spy(*args, _original=getattr(backend, name), _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)
        monkeypatch.setattr(backend, name, spy)
    return calls



def test_a_poll_within_its_interval_takes_no_lock_and_writes_nothing(
        app, client, user, clock, store_calls, api_calls):
    w = syncing(client, user)
    clock.advance(1)
    assert w.poll("sync-progress").status_code == 204  # it looked: the lock, and a write
    assert "lock" in store_calls and "write" in store_calls
    record, asked = saved_run(app, w.session_id), len(api_calls)
    store_calls.clear()
    clock.advance(0.5)
    assert w.poll("sync-progress").status_code == 204
    assert store_calls == [] and len(api_calls) == asked
    assert saved_run(app, w.session_id) == record


def test_a_poll_that_looks_saves_when_it_looked(app, client, user, clock, store_calls, api_calls):
    w = syncing(client, user)
    clock.advance(1)
    asked = len(api_calls)
    store_calls.clear()
    assert w.poll("sync-progress").status_code == 204
    assert len(api_calls) > asked and store_calls.count("lock") == 1
    assert saved_run(app, w.session_id)["polled_at"] == clock.now


def test_a_poll_that_would_look_while_another_request_works_asks_nothing(
        app, client, user, clock, api_calls):
    w = syncing(client, user)
    clock.advance(1)
    backend = app.extensions["widget_sessions"].backend
    with backend.lock(stored_name(w.session_id)):  # another request of the session holds it
        asked = len(api_calls)
        assert w.poll("sync-progress").status_code == 204  # the screen stays
        assert len(api_calls) == asked
    assert saved_run(app, w.session_id).get("polled_at", 0) < clock.now


def test_the_poll_that_sees_the_end_records_it_once(app, client, user, clock):
    w = syncing(client, user, login="demo")
    clock.advance(60)
    assert returned(w.poll("sync-progress"))["result"] == "success"
    names = [event["name"] for event in events(client, w.session_id)]
    assert names.count("SYNC_FINISHED") == 1 and names.count("REDIRECT") == 1


def test_an_unknown_session_s_poll_is_answered_as_before(client):
    answer = client.get("/widget/add_connection/wait", query_string={"session_id": "x" * 43},
                        headers={"HX-Request": "true", "HX-Trigger": "sync-progress"})
    assert answer.status_code == 404


@pytest.mark.parametrize("store_config", STORES, ids=["files", "redis"])
def test_the_store_says_when_a_read_without_the_lock_changed_the_data(tmp_path, store_config):
    app = make_app(tmp_path, **store_config)
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": time.time() + 600, "n": 0})
        with store.unlocked(session_id) as data:
            assert data["n"] == 0  # read, and left as it was: nothing to say
        with pytest.raises(NeedsLock):
            with store.unlocked(session_id) as data:
                data["n"] = 1
        assert store.load(session_id)["n"] == 0  # never written without the lock
        with store.unlocked("y" * 43) as data:
            assert data is None


@pytest.mark.parametrize("change, changed", [
    (lambda data: data.update(run={"step": "syncing", "progress": {"step": 1}}), False),  # equal
    (lambda data: data["run"]["progress"].update(step=2), True),  # deep inside
    (lambda data: data.update(extra=None), True),
    (lambda data: data.update(run=object()), True),  # what JSON cannot hold: a change
])
def test_a_change_is_told_from_the_text_the_record_was_read_from(tmp_path, change, changed):
    app = make_app(tmp_path)
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": time.time() + 600,
                                   "run": {"step": "syncing", "progress": {"step": 1}}})
        try:
            with store.unlocked(session_id) as data:
                change(data)
        except NeedsLock:
            assert changed
        else:
            assert not changed
