"""The Accounts API's reads (a poll's GET) take no write lock unless progress is due then: they
answer while another request writes, and SQLite refuses any write they would try."""
import sqlite3

import pytest

from widget.sandbox import db, db_file, write_lock


@pytest.fixture
def writer(app):
    """Another connection holding the sandbox's write lock, as a request that writes does."""
    connection = db_file.connect(app.config["SANDBOX_DATABASE"])
    connection.execute("BEGIN IMMEDIATE")
    yield connection
    connection.rollback()
    connection.close()


@pytest.fixture
def short_wait(monkeypatch):
    """A write lock's wait that gives up at once, so that a request that would wait fails."""
    monkeypatch.setattr(write_lock, "BUSY_TIMEOUT_SECONDS", 0.2)


@pytest.mark.parametrize("path", ["/events", "/connections", "/accounts", "/users/me"])
def test_a_read_with_nothing_due_answers_while_another_request_writes(user, writer, short_wait,
                                                                      path):
    assert user.get(path).status_code == 200


def test_a_read_with_progress_due_writes_it_first(user, clock, short_wait, app):
    connection = user.connect()
    user.consent_all(connection["id"])
    user.sync(connection["id"])
    clock.advance(60)  # the sync's progress and end are due now
    writer = db_file.connect(app.config["SANDBOX_DATABASE"])
    writer.execute("BEGIN IMMEDIATE")
    try:
        # Due progress must be written: the read waits for the write lock like any writer.
        assert user.get("/events").status_code >= 500
    finally:
        writer.rollback()
        writer.close()
    assert "SYNC_SUCCESS" in user.event_names(connection["id"])


def test_a_change_sent_as_a_read_is_refused_by_sqlite(app, user):
    with app.test_request_context("/sandbox/api/v2.1/events", method="GET"):
        connection = db.get_db()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM events")
        # Unless the request asks for a write transaction first.
        db.db_for_writing().execute("SELECT 1 FROM events LIMIT 1")
        assert connection.in_transaction
    with app.test_request_context("/sandbox/api/v2.1/connections", method="POST"):
        db.get_db().execute("DELETE FROM events WHERE 0")  # writes go through as before


@pytest.mark.parametrize("requests_before", [
    ["GET"], ["GET", "GET"], ["POST"], ["POST", "GET"], ["GET", "POST", "GET"],
    ["POST", "POST", "GET"],
])
def test_a_read_after_any_requests_of_the_thread_is_refused_writes(app, user, requests_before):
    """The thread keeps its connection, which is told query_only only when it changes: a read
    after reads, writes and upgrades is read-only still, a write after reads writes."""
    for method in requests_before:
        with app.test_request_context("/sandbox/api/v2.1/connections", method=method):
            connection = db.get_db()
            if method == "GET":
                db.db_for_writing()  # an upgrade mid-request, as a read with progress due does
            connection.execute("DELETE FROM events WHERE 0")
            db.commit_db(app.response_class())
    with app.test_request_context("/sandbox/api/v2.1/events", method="GET"):
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.get_db().execute("DELETE FROM events WHERE 0")
    with app.test_request_context("/sandbox/api/v2.1/connections", method="POST"):
        db.get_db().execute("DELETE FROM events WHERE 0")
