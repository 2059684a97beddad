"""A waiting screen's poll that this process knows must ask the API goes to the session's lock
at once, instead of reading the session unlocked first only to start again; one within its
interval whose record is as when this process last answered it 204 gets that 204 again without
opening the record (issue 11). A hint that turned out wrong costs a locked read, never a missed
or a second look, and a quiet answer is never given for a record, a poller or a time it was not
made for."""
import time

import pytest

from tests.syncing_sessions import saved_run, syncing
from tests.syncing_sessions import app, user  # noqa: F401 (the fixtures: each store)
from widget.events import UNDELIVERED
from widget.flows.run import Run, Step
from widget.store import widget_sessions
from widget.upstream.accounts_api import AccountsApi
from widget.views.poll_hints import PollHints, QuietAnswer, record_digest


@pytest.fixture
def calls(app, monkeypatch):
    """What the polls did: 'unlocked' reads, 'lock's, 'write's and API 'ask's, in order."""
    store, done = app.extensions["widget_sessions"], []

    def spy(owner, name, label):
        original = getattr(owner, name)

        def spied(*args, **kwargs):
            done.append(label)
            return original(*args, **kwargs)
        monkeypatch.setattr(owner, name, spied)

    spy(store, "unlocked", "unlocked")
    spy(store.cipher, "open", "open")
    spy(store.backend, "lock", "lock")
    spy(store.backend, "write", "write")
    original_request = AccountsApi.request

    def asking(self, method, path, **options):
        done.append("ask")
        return original_request(self, method, path, **options)
    monkeypatch.setattr(AccountsApi, "request", asking)
    return done


def test_a_poll_known_to_be_due_takes_the_lock_without_reading_unlocked_first(
        client, user, clock, calls):
    w = syncing(client, user)
    clock.advance(1)
    calls.clear()
    assert w.poll("sync-progress").status_code == 204
    # No hint yet (this process never saw this session poll): to the lock at once, and it
    # looks (a sync starts with no look made). Read unlocked first, it was read twice.
    assert calls[0] == "lock" and "unlocked" not in calls and "ask" in calls
    calls.clear()
    clock.advance(0.5)  # within the interval (1.5 s after a look that found nothing new)
    assert w.poll("sync-progress").status_code == 204
    assert calls == []  # the look's own 204, for the record it wrote
    calls.clear()
    clock.advance(1)  # 1.5 s since the look: due, and known to be
    assert w.poll("sync-progress").status_code == 204
    assert calls[0] == "lock" and "unlocked" not in calls and "ask" in calls


def test_a_wrong_hint_costs_a_locked_read_and_nothing_else(app, client, user, clock, calls):
    w = syncing(client, user)
    clock.advance(1)
    w.poll("sync-progress")  # looks: the hint says the next look is due in 1.5 s
    clock.advance(2)
    # Meanwhile the session's other process looked (another tab's poll, the other worker).
    with app.app_context():
        with widget_sessions().transaction(w.session_id) as data:
            data["run"]["polled_at"] = clock.now
    calls.clear()
    assert w.poll("sync-progress").status_code == 204
    assert calls == ["lock", "open"]  # locked on the hint, found nothing due: no look, no write
    assert saved_run(app, w.session_id)["polled_at"] == clock.now
    calls.clear()
    clock.advance(0.1)
    assert w.poll("sync-progress").status_code == 204
    assert calls == []  # the hint now knows the other look, and the 204 its record gives
    clock.advance(1.5)
    calls.clear()
    w.poll("sync-progress")  # (the sync may have moved by then: a 200 with its progress)
    assert calls[0] == "lock" and "ask" in calls  # 1.5 s after the other look: due


def test_the_poll_that_ends_the_run_forgets_its_session(app, client, user, clock):
    w = syncing(client, user, login="demo")
    clock.advance(60)
    w.poll("sync-progress")
    assert w.session_id not in app.extensions["poll_hints"]._hints


def run_at(step, polled_at=100.0, quiet_polls=0):
    run = Run("add_connection", step=step)
    run.polled_at, run.quiet_polls = polled_at, quiet_polls
    return run


@pytest.mark.parametrize("run, now, not_due", [
    (run_at(Step.SYNCING), 100.5, True),
    (run_at(Step.SYNCING), 101.0, False),
    (run_at(Step.SYNCING, quiet_polls=9), 104.9, True),  # the interval's cap: 5 s
    (run_at(Step.SYNCING, quiet_polls=9), 105.0, False),
    (run_at(Step.CHALLENGE, quiet_polls=9), 100.5, True),
    (run_at(Step.CHALLENGE, quiet_polls=9), 101.0, False),  # a challenge's wait stays at 1 s
    (run_at(Step.WAITING), 101.0, False),
    (run_at(Step.ACCOUNTS), 100.5, False),  # no look to wait for: forgotten, to the lock
    (None, 100.5, False),
])
def test_when_a_hint_says_no_look_is_due(run, now, not_due):
    """Only a poll known not to look is read without the lock; one of a session this process
    knows nothing of goes to the lock, as one known to look does."""
    hints = PollHints()
    hints.remember("s", run)
    assert hints.not_due("s", now) is not_due
    assert hints.not_due("unknown", now) is False


def test_hints_are_bounded_and_the_longest_unchanged_go_first():
    hints = PollHints(most=2)
    for name, polled_at in (("a", 0), ("b", 0), ("a", 1), ("c", 0)):  # "a" looked again
        hints.remember(name, run_at(Step.SYNCING, polled_at=polled_at))
    assert [hints.not_due(name, 0.5) for name in "abc"] == [True, False, True]


def quiet_poll(w, clock, calls):
    """A poll within the interval after one that made a quiet answer: what it did."""
    clock.advance(1)
    w.poll("sync-progress")  # looks (the interval is 1.5 s after it): makes the quiet answer
    clock.advance(0.2)
    assert w.poll("sync-progress").status_code == 204
    calls.clear()
    clock.advance(0.2)


def test_a_look_that_found_nothing_new_leaves_the_204_the_full_path_gives(
        app, client, user, clock, calls):
    w = syncing(client, user)
    clock.advance(1)
    looked = w.poll("sync-progress")
    assert looked.status_code == 204 and "ask" in calls and "write" in calls
    clock.advance(0.2)
    calls.clear()
    again = w.poll("sync-progress")
    assert calls == [] and again.status_code == 204
    app.extensions["poll_hints"]._hints.clear()  # the same poll, by the full path
    full = w.poll("sync-progress")
    assert calls == ["lock", "open"] and full.status_code == 204  # not due: nor ask, nor write
    assert sorted(again.headers.items()) == sorted(full.headers.items())
    assert "HX-Trigger" not in full.headers


def test_a_look_that_handed_the_page_messages_leaves_no_answer(app, client, user, clock, calls):
    """A 204 carrying events for the parent window is not given again: each is handed once."""
    w = syncing(client, user)
    clock.advance(1)
    with app.app_context():  # an event the page has not had yet (tracked at the bank, say)
        with widget_sessions().transaction(w.session_id) as data:
            data[UNDELIVERED] = [{"event_id": "ev_00000099_0123456789abcdef",
                                  "name": "SYNC_STARTED", "date": "2026-12-05T07:00:00.000Z",
                                  "widget": "add_connection", "data": {}}]
    looked = w.poll("sync-progress")
    assert looked.status_code == 204 and "passerelle:messages" in looked.headers["HX-Trigger"]
    clock.advance(0.2)
    calls.clear()
    again = w.poll("sync-progress")
    assert calls == ["unlocked", "open"] and again.status_code == 204
    assert "HX-Trigger" not in again.headers


def made_after_look(app, step, headers=(), terms_pending=False, sealed="gAAAAAB-token"):
    """What a poll made with the lock leaves for the next (an answer, or None)."""
    run = run_at(step)
    run.terms_pending = terms_pending
    with app.test_request_context("/widget/add_connection/wait",
                                  headers={"HX-Request": "true", "HX-Trigger": "sync-progress"}):
        response = app.response_class(status=204, headers=list(headers))
        return QuietAnswer.after_look(response, run, sealed, {"expires_at_ts": time.time() + 60})


@pytest.mark.parametrize("step, headers, terms_pending, sealed, made", [
    (Step.SYNCING, (), False, "gAAAAAB-token", True),
    (Step.SYNCING, (("HX-Trigger", "{}"),), False, "gAAAAAB-token", False),  # messages: once
    (Step.SYNCING, (), True, "gAAAAAB-token", False),  # the terms come first
    (Step.SYNCING, (), False, None, False),  # ended or expired: no record
    (Step.CHALLENGE, (), False, "gAAAAAB-token", False),  # a wait whose poll may answer otherwise
    (Step.WAITING, (), False, "gAAAAAB-token", False),
])
def test_which_locked_answers_are_given_again(app, step, headers, terms_pending, sealed, made):
    answer = made_after_look(app, step, headers, terms_pending, sealed)
    assert (answer is not None) is made
    if made:
        assert answer.digest == record_digest(sealed)


def test_a_locked_answer_other_than_204_is_not_given_again(app):
    run = run_at(Step.SYNCING)
    with app.test_request_context("/widget/add_connection/wait"):
        for response in (app.response_class("<p>", status=200), None):
            assert QuietAnswer.after_look(response, run, "gAAAAAB-token",
                                          {"expires_at_ts": time.time() + 60}) is None


def test_the_same_record_s_poll_gets_the_same_204_without_opening_it(client, user, clock, calls):
    w = syncing(client, user)
    clock.advance(1)
    w.poll("sync-progress")
    clock.advance(0.2)
    first = w.poll("sync-progress")
    calls.clear()
    clock.advance(0.2)
    again = w.poll("sync-progress")
    assert calls == [] and again.status_code == first.status_code == 204
    assert sorted(again.headers.items()) == sorted(first.headers.items())  # CSP, no-store...
    assert "frame-ancestors http://localhost:*" in again.headers["Content-Security-Policy"]
    clock.advance(2)  # the look is due: asked, locked
    w.poll("sync-progress")
    assert calls[0] == "lock" and "ask" in calls


def test_a_record_changed_meanwhile_is_opened_again(app, client, user, clock, calls):
    w = syncing(client, user)
    quiet_poll(w, clock, calls)
    with app.app_context():  # another request changed the session (still within the interval)
        with widget_sessions().transaction(w.session_id) as data:
            data["run"]["provider_name"] = "Banque en Ligne (renamed)"
    calls.clear()
    answer = w.poll("sync-progress")
    assert calls == ["unlocked", "open"]
    assert answer.status_code == 204


def test_another_poller_of_the_session_is_not_given_the_sync_s_answer(client, user, clock, calls):
    w = syncing(client, user)
    quiet_poll(w, clock, calls)
    answer = w.poll("challenge-wait")  # the run is syncing: not that screen's poll any more
    assert calls[:2] == ["unlocked", "open"]
    assert answer.status_code == 200


def test_a_session_that_expired_since_is_not_answered_204(
        client, user, clock, calls, monkeypatch):
    w = syncing(client, user)
    quiet_poll(w, clock, calls)
    later = time.time() + 3 * 3600  # past the session's lifetime; its record unchanged
    monkeypatch.setattr(time, "time", lambda: later)
    answer = w.poll("sync-progress")
    assert "unlocked" in calls and answer.status_code != 204


def test_an_ended_session_is_not_answered_204(app, client, user, clock, calls):
    w = syncing(client, user)
    quiet_poll(w, clock, calls)
    with app.app_context():
        widget_sessions().end(w.session_id)
    answer = w.poll("sync-progress")
    assert answer.status_code != 204


@pytest.mark.parametrize("sealed", ["gAAAAAB-token", "réécrit à la main", b"gAAAAAB-token"])
def test_any_record_has_a_digest(sealed):
    """A record is named whatever the store hands back (text, bytes, even a hand-edited file's
    text that is not a token): the poll then takes the full path, which finds it unreadable."""
    assert len(record_digest(sealed)) == 16
    assert record_digest(sealed) != record_digest("other")
