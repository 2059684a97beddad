"""The filesystem store's sweep: expired records and the lock files of gone sessions go, from
normal traffic, one process at a time, and never a lock file someone holds or is about to take."""
import fcntl
import os
import threading
import time

import pytest

from tests.client_backend import sandbox_user
from tests.live_server import build_app
from tests.session_stores import make_app
from tests.widget_driver import create_session
from widget import file_locks, store_files
from widget.store import widget_sessions
from widget.store_keys import live_key, stale_key, state_key, stored_name


def wait_until(timestamp):
    while time.time() <= timestamp:
        time.sleep(0.05)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        yield app


@pytest.fixture
def backend(app):
    return widget_sessions().backend


def lock_path(backend, session_id):
    return os.path.join(backend.locks, stored_name(session_id) + ".lock")


def record_keys(backend):
    return {store_files.key_of(name) for name in os.listdir(backend.folder)} - {None}


def test_sweep_removes_expired_records_and_the_lock_files_of_gone_sessions(app, backend):
    store = widget_sessions()
    live = store.create({"expires_at_ts": time.time() + 600, "client_id": "c", "options": {}})
    short = store.create({"expires_at_ts": time.time() + 1, "client_id": "c", "options": {}})
    made_up = store.new_id()
    for session_id in (live, short):
        with store.transaction(session_id) as data:
            data["n"] = 1
    with backend.lock(stored_name(made_up)):  # as a request for an id that never existed would, before
        pass
    backend.write([(state_key(made_up), "{}", 0.5)])
    assert {os.path.exists(lock_path(backend, s)) for s in (live, short, made_up)} == {True}

    wait_until(time.time() + 3)  # cachelib counts whole seconds
    backend.sweep()
    assert record_keys(backend) == {live_key(live), stale_key(live),
                                    stale_key(short)}  # the stale part stays its grace
    assert os.path.exists(lock_path(backend, live))
    assert not os.path.exists(lock_path(backend, short))
    assert not os.path.exists(lock_path(backend, made_up))
    assert store.peek_expired(short)["client_id"] == "c"


def test_sweep_removes_files_left_by_a_crash_mid_write(app, backend):
    orphan = os.path.join(backend.folder, "tmpab12cd.__wz_cache")
    with open(orphan, "wb") as fh:
        fh.write(b"half a session")
    backend.sweep()
    assert os.path.exists(orphan)  # it may be a write in progress
    os.utime(orphan, (time.time() - 3600, time.time() - 3600))
    backend.sweep()
    assert not os.path.exists(orphan)


def test_a_lock_file_someone_holds_is_not_removed(app, backend):
    gone = widget_sessions().new_id()
    with backend.lock(stored_name(gone)):
        backend.sweep()
        assert os.path.exists(lock_path(backend, gone))
    backend.sweep()
    assert not os.path.exists(lock_path(backend, gone))


def test_a_lock_file_removed_between_open_and_flock_is_not_locked(app, backend, monkeypatch):
    """The sweep removes the file a request just opened: the request locks the new file."""
    session_id = widget_sessions().new_id()
    path = lock_path(backend, session_id)
    real_try_flock = file_locks.try_flock
    opened = []

    def sweep_first(fh):
        if not opened:  # the request has opened the file, and has not locked it yet
            opened.append(fh)
            backend.sweep()
            assert not os.path.exists(path)
        return real_try_flock(fh)

    monkeypatch.setattr(file_locks, "try_flock", sweep_first)
    with backend.lock(stored_name(session_id)):
        assert opened, "the lock went around the flock the test watches"
        monkeypatch.setattr(file_locks, "try_flock", real_try_flock)
        # The lock held is on the file at `path` (the request opened it again), so another
        # process trying the lock now must wait.
        with open(path, "rb") as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_locks_stay_exclusive_while_the_sweep_removes_their_files(app, backend):
    session_id = widget_sessions().new_id()
    holders, overlaps, done = [], [], threading.Event()

    def take_the_lock():
        for _ in range(150):
            with backend.lock(stored_name(session_id)):
                holders.append(1)
                if len(holders) > 1:
                    overlaps.append(len(holders))
                time.sleep(0.0005)
                holders.pop()

    def sweep():
        while not done.is_set():
            backend.sweep()

    sweeper = threading.Thread(target=sweep)
    sweeper.start()
    workers = [threading.Thread(target=take_the_lock) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    done.set()
    sweeper.join()
    assert overlaps == []


def test_an_unknown_session_id_leaves_no_lock_file(app, backend):
    response = app.test_client().get("/widget/add_connection", query_string={"session_id": "B" * 43})
    assert response.status_code == 404
    assert os.listdir(backend.locks) == []


def test_session_creation_sweeps_once_per_interval_one_process_at_a_time(tmp_path, monkeypatch):
    app, server = build_app(tmp_path)
    server.start()
    app.live_url = server.url
    try:
        backend = app.extensions["widget_sessions"].backend
        sweeps = []
        real_sweep = backend.sweep
        monkeypatch.setattr(backend, "sweep", lambda: sweeps.append(1) or real_sweep())
        client, user = app.test_client(), sandbox_user(app, accept_terms=True)

        def new_session():
            assert create_session(client, user).status_code == 201

        new_session()
        assert len(sweeps) == 1  # the first one ever
        new_session()
        assert len(sweeps) == 1  # not due yet

        old = time.time() - store_files.SWEEP_EVERY_SECONDS - 1
        with open(backend.sweep_marker, "w") as fh:
            fh.write(repr(old))
        os.utime(backend.sweep_marker, (old, old))
        with open(backend.sweep_marker, "rb") as other_process:
            fcntl.flock(other_process, fcntl.LOCK_EX)  # sweeping now
            new_session()
            assert len(sweeps) == 1
        new_session()
        assert len(sweeps) == 2
        new_session()
        assert len(sweeps) == 2
    finally:
        server.stop()
