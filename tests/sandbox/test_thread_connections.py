"""Each thread keeps its sandbox connection across requests (thread_connections.py), and a kept
connection always acts on the file at the path: after a reset, a replacement, a removal.
(A file damaged in place: tests/sandbox/test_database_file.py.)"""
import contextlib
import os
import threading

import pytest

from widget.sandbox import db, db_file, engine, thread_connections


@pytest.fixture
def opened(monkeypatch):
    """Every connection the sandbox opens from now on (this thread's is closed first)."""
    seen, original = [], db_file.connect

    def counted(path):
        connection = original(path)
        seen.append(connection)
        return connection

    monkeypatch.setattr(db_file, "connect", counted)
    thread_connections.discard()
    return seen


def remove_database(path):
    for name in (path, path + "-wal", path + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)


def test_a_thread_opens_one_connection_for_its_requests(user, opened):
    for _ in range(5):
        assert user.get("/events").status_code == 200
    assert len(opened) == 1


def test_each_thread_has_a_connection_of_its_own(app, user, opened):
    answers = []

    def requests():
        client = app.test_client()
        for _ in range(5):
            answers.append(client.get("/sandbox/api/v2.1/events",
                                      headers={"Authorization": "Bearer " + user.token}))

    threads = [threading.Thread(target=requests) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status_code for answer in answers] == [200] * 15
    assert len(opened) == 3


def test_a_connection_kept_across_a_reset_sees_the_new_database(app, user, opened):
    assert user.get("/users/me").status_code == 200
    reset = app.test_cli_runner().invoke(args=["sandbox", "init-db", "--reset"])
    assert reset.exit_code == 0, reset.output
    after_reset = len(opened)  # the reset's own connections
    # The same connection, and the fresh database: the user is gone, the demo client is there.
    assert user.get("/users/me").status_code == 401
    assert user.client_token()
    assert len(opened) == after_reset


def test_a_file_renamed_over_the_path_is_opened_anew(app, user, tmp_path, opened):
    path = app.config["SANDBOX_DATABASE"]
    assert user.get("/users/me").status_code == 200
    fresh = str(tmp_path / "fresh.sqlite3")
    db.ensure_database(fresh)
    # As db_file._move_into_place puts a built file in place: the kept connection's file is
    # no longer at the path, though it can still read and write it.
    remove_database(path)
    os.replace(fresh, path)
    assert user.get("/users/me").status_code == 401
    assert user.client_token()
    assert len(opened) == 2


def test_a_database_deleted_under_a_kept_connection_is_built_again(app, user, opened):
    path = app.config["SANDBOX_DATABASE"]
    assert user.get("/users/me").status_code == 200
    remove_database(path)
    assert user.get("/users/me").status_code == 401
    assert os.path.exists(path)
    assert user.client_token()


def test_a_failed_request_leaves_nothing_on_the_kept_connection(user, opened, monkeypatch):
    """A request that fails after a write rolls back; the thread's next one sees none of it."""
    assert user.get("/connections").json == []
    connection = opened[0]

    def broken(*args, **kwargs):
        raise RuntimeError("a bug after the connection row was written")

    body = {"provider_id": "web", "channel_definition_id": "web-embedded",
            "credentials": {"login": "demo", "password": "pw"}}
    with monkeypatch.context() as patch, contextlib.suppress(RuntimeError):
        patch.setattr(engine, "add_channel", broken)
        # (a test app lets a view's exception through)
        assert user.post("/connections", json=body).status_code == 500
    assert not connection.in_transaction
    assert user.get("/connections").json == []
    assert opened == [connection]


def test_a_forked_child_never_uses_its_parents_connection(user, opened):
    """SQLite forbids carrying a connection across fork (gunicorn's --preload would)."""
    assert user.get("/events").status_code == 200
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe)
        try:
            status = user.get("/events").status_code
            os.write(writing, f"{status} {len(opened)}".encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as report:
        answer = report.read()
    os.waitpid(child, 0)
    assert answer == "200 2"  # a connection of its own
    assert user.get("/events").status_code == 200
    assert len(opened) == 1  # the parent's, still kept
