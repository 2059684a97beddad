"""Every call of a user's brings their connections up to the clock; only those with something
due are read, so the work of a call does not grow with syncs that have nothing new (issue 11:
the benchmark's waiting users are hundreds of one user's syncs)."""
import pytest

from widget.sandbox import db_file, thread_connections

SLOW_STEP_SECONDS = 10 / 3  # SANDBOX_SLOW_SYNC_SECONDS' default, in 3 steps


@pytest.fixture
def statements(monkeypatch):
    """The SQL statements the sandbox runs, as it runs them."""
    seen, original = [], db_file.connect

    def traced(path):
        connection = original(path)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(db_file, "connect", traced)
    # The thread keeps its connection across requests: the next one opens a traced one.
    thread_connections.discard()
    return seen


def slow_syncs(user, count):
    ids = []
    for _ in range(count):
        connection_id = user.connect(login="slow")["id"]
        user.consent_all(connection_id)
        user.sync(connection_id)
        ids.append(connection_id)
    return ids


def statements_of_a_call(user, statements):
    statements.clear()
    assert user.get("/events?after=0").status_code == 200
    assert statements  # traced: a count of none would compare nothing
    return len(statements)


def test_a_call_reads_no_more_for_more_syncs_with_nothing_due(user, statements):
    slow_syncs(user, 1)
    one = statements_of_a_call(user, statements)
    slow_syncs(user, 9)
    assert statements_of_a_call(user, statements) == one


def test_each_sync_still_moves_when_its_step_is_due(user, clock):
    ids = slow_syncs(user, 3)
    clock.advance(SLOW_STEP_SECONDS)
    for connection_id in ids:
        assert user.event_names(connection_id).count("SYNC_PROGRESS") == 1
    clock.advance(10)
    for connection_id in ids:
        assert user.connection(connection_id)["sync"]["status"] == "SUCCESS"


def test_an_app_approval_is_seen_at_its_time_among_other_syncs(user, clock):
    slow_syncs(user, 3)
    cid = user.connect(login="app")["id"]
    clock.advance(4.9)
    assert user.connection(cid)["channels"][0]["challenge"]["status"] == "PENDING"
    clock.advance(0.1)  # SANDBOX_APP_VALIDATION_DELAY (5 s) after it was issued, to the dot
    assert user.connection(cid)["channels"][0]["status"] == "SUCCESS"
