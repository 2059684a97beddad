"""The session id grants access to its widget: no log line ever holds it, at any level."""
import logging

import pytest

from tests.client_backend import CLIENT
from tests.widget_driver import open_widget, returned, screen, through_bank
from widget.store import StoreUnavailable
from widget.store_keys import stored_name


@pytest.fixture
def every_logger_at_debug(caplog):
    """caplog at DEBUG on the root and on every logger created so far (their own levels too)."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def assert_not_logged(caplog, capfd, session_ids):
    out, err = capfd.readouterr()
    lines = [record.getMessage() for record in caplog.records]
    # What handlers print (the JSON event lines, tracebacks) as well as the messages.
    lines += [caplog.text, out, err]
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for session_id in session_ids:
        assert not [line for line in lines if session_id in line], session_id


def test_no_log_line_holds_a_session_id(app, client, user, clock, every_logger_at_debug, capfd):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="question", password="pw")
    w.post("/widget/add_connection/challenge", answer="blue", csrf_token="wrong")  # refused
    w.post("/widget/add_connection/challenge", answer="blue")
    w.post("/widget/add_connection/consent")
    clock.advance(60)
    assert returned(w.get("/widget/add_connection/wait"))["result"] == "success"
    w.get("/widget/add_connection")  # an ended session's link

    r, _ = open_widget(client, user, provider_id="psd2")
    assert through_bank(r, "demo").status_code == 303
    assert screen(r.resume()) == "accounts"
    client.get(f"/widget_session/{r.session_id}/events", auth=CLIENT)
    client.delete(f"/widget_session/{r.session_id}", auth=CLIENT)

    assert any(record.name == "passerelle.events" for record in every_logger_at_debug.records)
    assert_not_logged(every_logger_at_debug, capfd, [w.session_id, r.session_id])



def logged_lines(caplog, capfd):
    out, err = capfd.readouterr()
    return [record.getMessage() for record in caplog.records] + [caplog.text, out, err]


def test_a_store_outage_on_the_session_api_logs_the_route_not_the_id(
        app, client, user, every_logger_at_debug, capfd, monkeypatch):
    w, _ = open_widget(client, user)
    backend = app.extensions["widget_sessions"].backend

    def unreachable(*args, **kwargs):
        raise StoreUnavailable("Redis: Connection refused")

    monkeypatch.setattr(backend, "get", unreachable)
    events = client.get(f"/widget_session/{w.session_id}/events", auth=CLIENT)
    assert events.status_code == 503
    lines = logged_lines(every_logger_at_debug, capfd)
    assert any("/widget_session/<session_id>/events" in line for line in lines)
    assert not [line for line in lines if w.session_id in line]


def test_an_unexpected_error_on_the_session_api_logs_the_route_not_the_id(
        app, client, user, every_logger_at_debug, capfd, monkeypatch):
    w, _ = open_widget(client, user)

    def broken(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(app.extensions["widget_sessions"].backend, "get", broken)
    assert client.get(f"/widget_session/{w.session_id}/events", auth=CLIENT).status_code == 500
    lines = logged_lines(every_logger_at_debug, capfd)
    assert any("something broke" in line for line in lines)  # the traceback is kept
    assert not [line for line in lines if w.session_id in line]


def test_a_busy_session_s_traceback_does_not_name_it(app, client, user, every_logger_at_debug,
                                                     capfd, monkeypatch):
    w, _ = open_widget(client, user)
    backend = app.extensions["widget_sessions"].backend
    monkeypatch.setattr(backend, "lock_wait_seconds", 0.2)
    with backend.lock(stored_name(w.session_id)):  # another request holds it
        ended = client.delete(f"/widget_session/{w.session_id}", auth=CLIENT)
    assert ended.status_code == 503
    lines = logged_lines(every_logger_at_debug, capfd)
    assert any("SessionBusy" in line for line in lines)
    assert not [line for line in lines if w.session_id in line]


def test_an_unknown_path_holding_an_id_is_logged_without_it(app, client, user,
                                                            every_logger_at_debug, capfd):
    w, _ = open_widget(client, user)
    with app.test_request_context(f"/no-such-route/{w.session_id}"):
        from widget.views.errors import logged_path

        assert logged_path() == "/no-such-route/<id>"
