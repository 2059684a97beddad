"""A user's event queue read a page at a time: the page, and X-Total-Count all the events after
`after`, whether the page holds them all (no count is run then) or not."""
import pytest

from widget.sandbox import db, events


def queue(app, user_id, count):
    with app.test_request_context("/sandbox/api/v2.1/connections", method="POST"):
        connection = db.get_db()
        for number in range(count):
            events.record(connection, user_id, "TEST_EVENT", 1_700_000_000 + number)
        connection.execute("COMMIT")


@pytest.mark.parametrize("queued, limit, skipped, total, shown", [
    (0, 5, 0, 0, 0),
    (3, 5, 0, 3, 3),    # fewer than a page
    (5, 5, 0, 5, 5),    # exactly a page: counted, as there may be more
    (6, 5, 0, 6, 5),    # more than a page
    (12, 5, 4, 8, 5),   # after an event id: only those after it count
    (12, 5, 9, 3, 3),
    (12, 5, 12, 0, 0),  # after the newest
])
def test_a_page_and_the_count_after_an_event(app, user, queued, limit, skipped, total, shown):
    user_id = user.get("/users/me").json["id"]
    before = [event["id"] for event in user.get("/events?limit=500").json]
    queue(app, int(user_id), queued)
    mine = [event["id"] for event in user.get("/events?limit=500").json][len(before):]
    assert len(mine) == queued
    after = mine[skipped - 1] if skipped else (before[-1] if before else "0")
    answer = user.get("/events?limit=%d&after=%s" % (limit, after))
    assert answer.status_code == 200
    assert int(answer.headers["X-Total-Count"]) == total
    assert [event["id"] for event in answer.json] == mine[skipped:skipped + shown]
