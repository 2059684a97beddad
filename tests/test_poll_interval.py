"""How often a waiting screen's polls ask the Accounts API (issue 11): every second at first,
then, while a sync does not move, 1.5 times longer at each look up to 5 s; back to 1 s when
it moves. A challenge's wait for the bank's app keeps to 1 s. Times are the fake clock's."""
import pytest

from tests.live_server import build_app
from tests.syncing_sessions import api_calls, syncing, user  # noqa: F401 (fixtures)
from tests.widget_driver import open_widget, text

# The slow sync's steps come every 20 minutes: long enough for the interval to reach its cap.
SLOW_SYNC_SECONDS = 3600


@pytest.fixture
def app(tmp_path, clock):
    app, server = build_app(tmp_path, SANDBOX_CLOCK=clock, WIDGET_CLOCK=clock,
                            SANDBOX_SLOW_SYNC_SECONDS=SLOW_SYNC_SECONDS)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


def looks_after(w, clock, api_calls, seconds):
    """Poll once `seconds` after the last poll: (did it ask the API, the answer)."""
    clock.advance(seconds)
    before = len(api_calls)
    answer = w.poll("sync-progress")
    return len(api_calls) > before, answer


def test_a_still_sync_is_looked_at_less_and_less_often_up_to_every_5_s(client, user, clock,
                                                                        api_calls):
    w = syncing(client, user)
    assert looks_after(w, clock, api_calls, 1)[0]  # the first poll looks
    # Each wait is a hair short of the interval (no look), then reaches it (a look).
    for interval in (1.5, 2.25, 3.375, 5, 5, 5):
        asked, answer = looks_after(w, clock, api_calls, interval - 0.125)
        assert not asked and answer.status_code == 204, interval
        asked, answer = looks_after(w, clock, api_calls, 0.125)
        assert asked and answer.status_code == 204, interval  # nothing moved: the screen stays


def test_the_interval_is_back_to_1_s_when_the_sync_moves(client, user, clock, api_calls):
    w = syncing(client, user)
    for interval in (1, 1.5, 2.25, 3.375, 5):
        assert looks_after(w, clock, api_calls, interval)[0]
    clock.advance(SLOW_SYNC_SECONDS / 3)  # the sync's first step
    asked, answer = looks_after(w, clock, api_calls, 0)
    assert asked and answer.status_code == 200
    assert text(answer).lstrip().startswith('<div id="sync-detail">')
    assert not looks_after(w, clock, api_calls, 0.875)[0]
    assert looks_after(w, clock, api_calls, 0.125)[0]  # 1 s after the look that saw it move


def test_the_end_of_a_still_sync_is_seen_within_5_s(client, user, clock, api_calls):
    w = syncing(client, user)
    for interval in (1, 1.5, 2.25, 3.375, 5, 5):
        looks_after(w, clock, api_calls, interval)
    clock.advance(SLOW_SYNC_SECONDS)
    asked, answer = looks_after(w, clock, api_calls, 5)
    assert asked and answer.headers.get("HX-Redirect")


def test_the_bank_app_approval_is_looked_for_every_second(client, user, clock, api_calls):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="app", password="pw")
    for _ in range(4):  # the approval comes after 6 s
        clock.advance(1)
        before = len(api_calls)
        assert w.poll("challenge-wait").status_code == 204
        assert len(api_calls) > before
