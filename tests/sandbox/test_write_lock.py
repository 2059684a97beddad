"""BEGIN IMMEDIATE waits for SQLite's write lock in short steps (write_lock.py), for as long as
SQLite's own handler would, and leaves the connection's handler as it was."""
import sqlite3
import threading

import pytest

from widget.sandbox import db, db_file, write_lock


@pytest.fixture
def path(tmp_path):
    path = str(tmp_path / "sandbox.sqlite3")
    db.ensure_database(path)
    return path


@pytest.fixture
def holder(path):
    """Another connection that holds the write lock until told to let go."""
    connection = db_file.connect(path)
    connection.execute("BEGIN IMMEDIATE")
    yield connection
    connection.close()


def busy_timeout(connection):
    return connection.execute("PRAGMA busy_timeout").fetchone()[0]


def test_a_waiter_gets_the_lock_once_it_is_released(path, holder, monkeypatch):
    pauses = []
    real_sleep = write_lock.time.sleep

    def pause(seconds):
        pauses.append(seconds)
        if len(pauses) == 20:  # the holder lets go while the waiter waits
            holder.execute("COMMIT")
        real_sleep(seconds)

    monkeypatch.setattr(write_lock.time, "sleep", pause)
    waiter = db_file.connect(path)
    write_lock.begin_immediate(waiter)
    assert waiter.in_transaction
    assert len(pauses) == 20
    # Never one of SQLite's long sleeps (up to 100 ms) between two tries.
    assert max(pauses) <= write_lock.LONGEST_PAUSE_SECONDS * 1.5
    assert busy_timeout(waiter) == db_file.BUSY_TIMEOUT_SECONDS * 1000
    waiter.close()


def test_a_waiter_gives_up_when_sqlite_would(path, holder, monkeypatch):
    monkeypatch.setattr(write_lock, "BUSY_TIMEOUT_SECONDS", 0.05)
    waiter = db_file.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        write_lock.begin_immediate(waiter)
    assert not waiter.in_transaction
    assert busy_timeout(waiter) == 50
    waiter.close()


def test_requests_of_many_threads_all_get_their_turn(user, app):
    answers = []

    def polls():
        client = app.test_client()
        for _ in range(10):
            answers.append(client.get("/sandbox/api/v2.1/events",
                                      headers={"Authorization": "Bearer " + user.token}))

    threads = [threading.Thread(target=polls) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status_code for answer in answers] == [200] * 60
