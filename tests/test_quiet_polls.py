"""A waiting screen's quiet poll is answered again before Flask, with the status and headers the
app gave that same poll (widget/views/quiet_polls.py): only for the same poll, the same record,
while no look is due and the session lives, and never when Flask-Limiter counts every request."""
import time

import pytest
from flask import request

from tests.client_backend import sandbox_user
from tests.syncing_sessions import live_app_on, syncing
from tests.syncing_sessions import app, user  # noqa: F401 (the fixtures: each store)
from widget.flows.run import Run, Step
from widget.public_url import IN_PROCESS_KEY
from widget.store import widget_sessions
from widget.views.poll_hints import PollHints, QuietAnswer


@pytest.fixture
def entered(app, monkeypatch):
    """The widget's requests that reached Flask's dispatch (their paths, in order; not the
    sandbox's, which the same app serves)."""
    paths, original = [], app.full_dispatch_request

    def dispatching():
        if request.path.startswith("/widget/"):
            paths.append(request.path)
        return original()
    monkeypatch.setattr(app, "full_dispatch_request", dispatching)
    return paths


def looked(w, clock):
    """A look that found the sync where it was (its 204 kept), then 0.2 s: no look due."""
    clock.advance(1)
    answer = w.poll("sync-progress")
    assert answer.status_code == 204
    clock.advance(0.2)
    return answer


def test_a_quiet_poll_gets_again_what_the_app_answered_without_entering_it(
        client, user, clock, entered):
    w = syncing(client, user)
    look = looked(w, clock)
    entered.clear()
    answers = [w.poll("sync-progress") for _ in range(3)]
    assert entered == []
    for answer in answers:
        assert answer.status_code == 204 and answer.get_data() == b""
        assert sorted(answer.headers.items()) == sorted(look.headers.items())
    assert answers[0].headers["Cache-Control"] == "no-store"
    assert "frame-ancestors http://localhost:*" in answers[0].headers["Content-Security-Policy"]
    clock.advance(2)  # the look is due: the app asks the API
    w.poll("sync-progress")
    assert entered == ["/widget/add_connection/wait"]


def change_record(app, w):
    with app.app_context():
        with widget_sessions().transaction(w.session_id) as data:
            data["run"]["provider_name"] = "Banque en Ligne (renamed)"


def end_session(app, w):
    with app.app_context():
        widget_sessions().end(w.session_id)


def expire_by_the_clock(app, w, monkeypatch):
    later = time.time() + 3 * 3600  # past the session's lifetime, its record unchanged
    monkeypatch.setattr(time, "time", lambda: later)


def limit_every_request(app, w, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_DEFAULT", "1000 per minute")


def change_the_logos_origins(app, w, monkeypatch):
    """A setting the security policy is made from, changed on the live app (as tests do)."""
    monkeypatch.setitem(app.config, "LOGO_ORIGINS", ["https://logos.example"])


def store_away(app, w, monkeypatch):
    def failing(session_id):
        raise OSError("the store is away")
    monkeypatch.setattr(app.extensions["widget_sessions"], "sealed", failing)


@pytest.mark.parametrize("meanwhile, poll", [
    (lambda app, w, mp: change_record(app, w), {}),
    (lambda app, w, mp: end_session(app, w), {}),
    (expire_by_the_clock, {}),
    (limit_every_request, {}),
    (change_the_logos_origins, {}),
    (None, {"trigger": "challenge-wait"}),  # another screen's poller
    (None, {"query": {"page": "2"}}),  # another URL
    (None, {"base_url": "https://localhost"}),  # another scheme: HSTS on the app's answer
    (None, {"base_url": "http://127.0.0.1"}),  # another host
    (None, {"htmx": False}),
])
def test_any_other_poll_or_record_goes_to_the_app(
        app, client, user, clock, entered, monkeypatch, meanwhile, poll):
    w = syncing(client, user)
    looked(w, clock)
    if meanwhile:
        meanwhile(app, w, monkeypatch)
    entered.clear()
    headers = {"HX-Trigger": poll.get("trigger", "sync-progress")}
    if poll.get("htmx", True):
        headers["HX-Request"] = "true"
    answer = client.get("/widget/add_connection/wait", headers=headers,
                        query_string={"session_id": w.session_id, **poll.get("query", {})},
                        base_url=poll.get("base_url", "http://localhost"))
    assert entered == ["/widget/add_connection/wait"]
    assert answer.status_code < 500
    if meanwhile is change_the_logos_origins:
        assert "https://logos.example" in answer.headers["Content-Security-Policy"]


def test_our_own_in_process_call_goes_to_the_app_and_is_not_kept(client, user, clock, entered):
    """Such a call's answer carries no browser's headers: never given to a browser's poll."""
    w = syncing(client, user)
    looked(w, clock)
    entered.clear()
    own = client.get("/widget/add_connection/wait", query_string={"session_id": w.session_id},
                     headers={"HX-Trigger": "sync-progress", "HX-Request": "true"},
                     environ_overrides={IN_PROCESS_KEY: True})
    assert entered == ["/widget/add_connection/wait"] and own.status_code == 204
    assert "Content-Security-Policy" not in own.headers
    browser = w.poll("sync-progress")
    assert entered == ["/widget/add_connection/wait"]  # given again before the app, as kept
    assert browser.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in browser.headers


def test_a_poll_whose_view_has_a_limit_is_never_kept(app, client, user, clock, entered,
                                                    monkeypatch):
    limited = app.extensions.setdefault("limited_endpoints", set())
    monkeypatch.setitem(app.extensions, "limited_endpoints",
                        {*limited, "add_connection.wait"})
    w = syncing(client, user)
    looked(w, clock)
    entered.clear()
    for _ in range(3):
        assert w.poll("sync-progress").status_code == 204
    assert entered == ["/widget/add_connection/wait"] * 3


def test_behind_a_router_the_scheme_it_forwards_picks_the_answer(tmp_path, clock):
    """The layer sits inside the proxy's: an https poll's answer (with HSTS) is never given to
    the same poll forwarded as http, nor the other way round."""
    with live_app_on(tmp_path, clock, TRUSTED_PROXIES=1) as app:
        client, user = app.test_client(), sandbox_user(app, accept_terms=True)
        w = syncing(client, user)
        clock.advance(1)

        def poll(scheme):
            return client.get("/widget/add_connection/wait",
                              query_string={"session_id": w.session_id},
                              headers={"HX-Trigger": "sync-progress", "HX-Request": "true",
                                       "X-Forwarded-Proto": scheme})
        assert poll("https").status_code == 204  # a look, its 204 kept
        clock.advance(0.2)
        secure = [poll("https") for _ in range(2)]  # the second given again before the app
        plain = [poll("http") for _ in range(2)]
        assert all("Strict-Transport-Security" in answer.headers for answer in secure)
        assert not any("Strict-Transport-Security" in answer.headers for answer in plain)
        assert {answer.status_code for answer in secure + plain} == {204}


def test_a_store_that_fails_leaves_the_poll_to_the_app(app, client, user, clock, entered,
                                                     monkeypatch):
    w = syncing(client, user)
    looked(w, clock)
    store_away(app, w, monkeypatch)
    entered.clear()
    client.get("/widget/add_connection/wait", query_string={"session_id": w.session_id},
               headers={"HX-Trigger": "sync-progress", "HX-Request": "true"})
    assert entered == ["/widget/add_connection/wait"]


def quiet_answer(asked="/widget/add_connection/wait?session_id=a"):
    return QuietAnswer(b"digest", (asked, "sync-progress", "true"), time.time() + 60, (), None,
                       None)


def syncing_run():
    run = Run("add_connection", step=Step.SYNCING)
    run.polled_at = 100.0
    return run


def test_what_was_served_goes_with_its_hint():
    hints, sealed = PollHints(most=1), (lambda session_id: "sealed")
    answer = quiet_answer()
    hints.remember("a", syncing_run(), answer)
    hints.keep_as_served("a", answer, ("asked",), "204 NO CONTENT", [("Vary", "HX-Request")])
    assert "a" in hints._as_served
    hints.keep_as_served("a", quiet_answer("/other"), ("asked",), "204 NO CONTENT", [])
    assert hints._as_served["a"][3] == [("Vary", "HX-Request")]  # not the session's answer
    hints.remember("b", syncing_run())  # "a" is forgotten: what it served goes too
    assert hints._as_served == {}
    assert hints.as_served("a", ("asked",), 0, time.time(), sealed) is None


def test_nothing_is_kept_for_a_session_whose_hint_went_meanwhile():
    """A poll that ends the run (its hint dropped) racing one that keeps what it served."""
    hints, answer = PollHints(), quiet_answer()
    hints.remember("a", syncing_run(), answer)
    hints.remember("a", None)  # the other request, first
    hints.keep_as_served("a", answer, ("asked",), "204 NO CONTENT", [])
    assert hints._as_served == {}
    hints._as_served["a"] = (("asked",), answer, "204 NO CONTENT", [])  # left by an older race
    hints.remember("a", None)
    assert hints._as_served == {}
