"""A page of the provider list without a search reads the session without its lock and writes
nothing (issue 11): it asks no API (the page is the one the process keeps for the Client) and
records no event. A search whose results the process keeps does the same, its event kept as the
store keeps events without the lock (widget/store.py `unlocked`). A search not kept, a
session's first list (asked of the upstream), a page no longer kept, or a page that would change
the session goes with the lock, on either store."""
import pytest

from tests.syncing_sessions import api_calls, app, user  # noqa: F401 (fixtures)
from tests.widget_driver import open_widget, screen
from widget.events import sequence_of, track
from widget.store import widget_sessions
from widget.store_keys import events_key, stored_name

LIST = "/widget/add_connection/providers"


@pytest.fixture
def listed(client, user):
    """A widget at the provider list, its first list asked of the upstream."""
    w, page = open_widget(client, user)
    assert screen(page) == "providers"
    return w



def held(app, session_id):
    """The session's lock, held as by another request at work (a poll never waits for it)."""
    with app.app_context():
        return widget_sessions().backend.lock(stored_name(session_id), wait=0)


def sealed(app, session_id):
    with app.app_context():
        return widget_sessions().sealed(session_id)


@pytest.fixture
def short_lock_wait(app):
    """A request that waits for a held lock gives up at once (the in-progress screen)."""
    app.extensions["widget_sessions"].backend.lock_wait_seconds = 0


@pytest.mark.parametrize("params", [{}, {"page": "1"}, {"q": "  "}])
def test_a_list_page_is_answered_while_another_request_holds_the_session(
        app, listed, api_calls, short_lock_wait, params):
    assert listed.get(LIST, **params).status_code == 200  # the page is kept from now on
    record, asked = sealed(app, listed.session_id), len(api_calls)
    with held(app, listed.session_id):
        answer = listed.get(LIST, **params)
    assert answer.status_code == 200 and screen(answer) == "providers"
    assert len(api_calls) == asked
    assert sealed(app, listed.session_id) == record  # byte for byte: nothing written


def events_of(app, session_id):
    with app.app_context():
        store = widget_sessions()
        return store.events(session_id, store.load(session_id))


def test_a_search_kept_by_the_process_keeps_its_event_without_the_lock(
        app, listed, api_calls, caplog, monkeypatch):
    """Its event numbered and kept as the store keeps events without the lock, the record
    untouched, and logged once."""
    assert listed.get(LIST, q="banque").status_code == 200  # its results are kept from now on
    record, asked = sealed(app, listed.session_id), len(api_calls)
    caplog.clear()

    def no_lock(*args, **kwargs):
        raise AssertionError("the search took the session's lock")

    monkeypatch.setattr(app.extensions["widget_sessions"].backend, "lock", no_lock)
    answer = listed.get(LIST, q="banque")
    assert answer.status_code == 200 and "Banque" in answer.get_data(as_text=True)
    assert len(api_calls) == asked and sealed(app, listed.session_id) == record
    searches = [e for e in events_of(app, listed.session_id) if e["name"] == "SEARCH_PROVIDER"]
    assert len(searches) == 2
    assert sequence_of(searches[1]["event_id"]) == sequence_of(searches[0]["event_id"]) + 1
    logged = [r for r in caplog.records if getattr(r, "payload", {}).get("event_id")
              == searches[1]["event_id"]]
    assert len(logged) == 1


def test_a_search_while_another_request_holds_the_session_files_answer_redis_waits(
        app, listed, short_lock_wait):
    """Files: the events list is free, the search is answered. Redis: a request holds the
    lock, so the search goes to it, and waits."""
    assert listed.get(LIST, q="banque").status_code == 200
    with held(app, listed.session_id):
        answer = listed.get(LIST, q="banque")
    assert answer.status_code == (409 if app.config.get("REDIS_URL") else 200)


def test_a_search_while_a_request_holds_the_events_list_too_long_is_in_progress(
        app, listed, short_lock_wait):
    """A request with the lock, its events numbered and not yet saved (at the upstream, say)."""
    assert listed.get(LIST, q="banque").status_code == 200
    with app.app_context():
        list_held = widget_sessions().backend.hold_list(events_key(listed.session_id))
    try:
        answer = listed.get(LIST, q="banque")
    finally:
        if list_held:
            list_held.close()
    assert answer.status_code == (409 if list_held else 200)
    assert listed.get(LIST, q="banque").status_code == 200


def test_a_search_not_kept_yet_is_asked_of_the_upstream_with_the_lock(
        app, listed, short_lock_wait, api_calls, caplog):
    api_calls.clear()
    caplog.clear()
    with held(app, listed.session_id):
        assert listed.get(LIST, q="crédit").status_code == 409
    assert api_calls == []
    assert [e for e in events_of(app, listed.session_id) if e["name"] == "SEARCH_PROVIDER"] == []
    assert not [r for r in caplog.records if getattr(r, "payload", None)
                and r.payload["name"] == "SEARCH_PROVIDER"]  # nothing logged of the first go
    answer = listed.get(LIST, q="crédit")
    assert answer.status_code == 200 and api_calls == ["/providers"]
    assert len([e for e in events_of(app, listed.session_id)
                if e["name"] == "SEARCH_PROVIDER"]) == 1


def test_a_search_with_events_for_the_page_goes_with_the_lock(app, listed, short_lock_wait):
    """Events kept while no page was shown go with the next page, which changes the record."""
    assert listed.get(LIST, q="banque").status_code == 200
    with app.app_context():
        with widget_sessions().transaction(listed.session_id) as data:
            track(data, listed.session_id, "ERROR", "add_connection", error="x")
    with held(app, listed.session_id):
        assert listed.get(LIST, q="banque").status_code == 409
    answer = listed.get(LIST, q="banque")
    assert answer.status_code == 200
    names = [e["name"] for e in events_of(app, listed.session_id)]
    assert names[-2:] == ["ERROR", "SEARCH_PROVIDER"]


def test_a_session_s_first_list_is_asked_of_the_upstream_with_the_lock(
        app, client, user, listed, short_lock_wait, api_calls):
    """Though the page is kept (another session listed it): the first is the user's own."""
    created = open_widget(client, user)[0]
    with app.app_context():
        with widget_sessions().transaction(created.session_id) as data:
            data.pop("providers_listed")  # at the list, not yet asked (a record of before, say)
    api_calls.clear()
    with held(app, created.session_id):
        assert created.get(LIST).status_code == 409
    assert api_calls.count("/providers") == 0
    assert screen(created.get(LIST)) == "providers"
    assert api_calls.count("/providers") == 1


def test_a_page_no_longer_kept_is_asked_again_with_the_lock(
        app, listed, short_lock_wait, api_calls):
    app.extensions["upstream_answers"]._answers.clear()  # the kept pages expired
    with held(app, listed.session_id):
        assert listed.get(LIST).status_code == 409
    assert api_calls == []
    answer = listed.get(LIST)
    assert answer.status_code == 200 and screen(answer) == "providers"
    assert api_calls == ["/providers"]
    with held(app, listed.session_id):  # kept again
        assert listed.get(LIST).status_code == 200


def test_a_list_page_that_changes_the_session_saves_it_with_the_lock(
        app, listed, short_lock_wait):
    """A session whose run is at another step: the list puts it back at the list (the run
    changes), which only the lock may do."""
    with app.app_context():
        sessions = widget_sessions()
        with sessions.transaction(listed.session_id) as data:
            data["run"]["step"] = "channel_choice"
    with held(app, listed.session_id):
        assert listed.get(LIST).status_code == 409
    assert screen(listed.get(LIST)) == "providers"
    with app.app_context():
        assert widget_sessions().load(listed.session_id)["run"]["step"] == "providers"
