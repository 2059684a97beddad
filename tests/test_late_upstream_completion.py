"""A call that completed upstream but whose answer the widget lost (issue 9, item 4).

The sandbox's `lost` fault runs the request to its end and then hangs up, `late` answers after
the widget's read timeout: the widget must neither make a second connection when it (or the
user) tries again, nor lose the session when a token refresh's answer goes missing.
"""
import time

import pytest

from tests.client_backend import connections
from tests.live_server import build_app
from tests.widget_driver import Widget, open_widget, screen, text, through_bank

CONNECTIONS = "/sandbox/api/v2.1/connections"
TOKEN = "/sandbox/auth/token"


def credentials_form(client, user, **options):
    w, page = open_widget(client, user, provider_id="web", **options)
    assert screen(page) == "credentials"
    return w


def test_a_lost_answer_to_the_credentials_is_asked_again_and_makes_one_connection(
        app, client, user):
    w = credentials_form(client, user)
    app.config["SANDBOX_FAULTS"] = {CONNECTIONS: "lost:1"}
    page = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert page.status_code == 200 and screen(page) == "accounts"
    assert app.config["SANDBOX_FAULTS"] == {}  # the fault did hit the first try
    assert len(connections(app, user)) == 1


def test_an_answer_after_the_widgets_timeout_makes_one_connection(app, client, user):
    w = credentials_form(client, user)
    app.config.update(UPSTREAM_READ_TIMEOUT=0.3, SANDBOX_FAULT_TIMEOUT_SECONDS=1,
                      SANDBOX_FAULTS={CONNECTIONS: "late:1"})
    page = w.post("/widget/add_connection/credentials", login="otp", password="pw")
    assert screen(page) == "challenge"
    [connection] = connections(app, user)
    assert connection["channels"][0]["challenge"]["status"] == "PENDING"


def test_the_user_trying_again_from_another_process_makes_one_connection(
        app, client, user, tmp_path):
    w = credentials_form(client, user)
    app.config["SANDBOX_FAULTS"] = {CONNECTIONS: "lost:2"}  # the widget's own retry is lost too
    page = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert page.status_code == 502 and screen(page) == "upstream_error"
    assert app.config["SANDBOX_FAULTS"] == {}  # both tries were made, and their answers lost
    assert len(connections(app, user)) == 1
    # The user goes back and sends the same form again; another process serves them.
    other, unused_server = build_app(tmp_path, INSTANCE_PATH=app.config["INSTANCE_PATH"],
                                     PUBLIC_BASE_URL=app.live_url,
                                     SECRET_KEY=app.config["SECRET_KEY"])
    unused_server.stop()  # never started: it calls the first one's upstream, serves nothing
    again = Widget(other.test_client(), w.session_id)
    assert screen(again.get("/widget/add_connection")) == "credentials"
    page = again.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert screen(page) == "accounts"
    assert len(connections(app, user)) == 1


def test_a_wrong_password_then_the_right_one_is_a_new_request(app, client, user):
    w = credentials_form(client, user)
    page = w.post("/widget/add_connection/credentials", login="demo", password="wrong")
    assert page.status_code == 422 and screen(page) == "credentials"
    app.config["SANDBOX_FAULTS"] = {CONNECTIONS: "lost:1"}
    assert screen(w.post("/widget/add_connection/credentials", login="demo", password="pw")) \
        == "accounts"
    assert len(connections(app, user)) == 1


def test_a_lost_answer_to_the_banks_code_makes_one_connection(app, client, user):
    w, page = open_widget(client, user, provider_id="psd2")
    assert screen(page) == "bank_notice"
    app.config["SANDBOX_FAULTS"] = {CONNECTIONS: "lost:1"}
    back = through_bank(w)
    assert back.status_code == 303, screen(back)
    assert app.config["SANDBOX_FAULTS"] == {}
    assert screen(w.resume()) == "accounts"
    assert len(connections(app, user)) == 1


def test_a_lost_answer_to_the_second_channel_adds_it_once(app, client, user):
    w, page = open_widget(client, user, provider_id="demo", multiple_channels="true")
    assert screen(page) == "bank_notice"
    assert through_bank(w).status_code == 303
    assert screen(w.resume()) == "accounts"
    assert screen(w.post("/widget/add_connection/consent")) == "next_channel"
    assert screen(w.post("/widget/add_connection/next_channel")) == "credentials"
    app.config["SANDBOX_FAULTS"] = {CONNECTIONS: "lost:1"}
    page = w.post("/widget/add_connection/credentials", login="saver", password="pw")
    assert screen(page) == "accounts", text(page)
    [connection] = connections(app, user)
    assert [c["channel_definition_id"] for c in connection["channels"]] == [
        "demo-redirect", "demo-embedded"]


def refresh_due(app, session_id, clock, how):
    """The widget's next upstream call must refresh the access token first."""
    if how == "refused":
        clock.advance(3601)  # expired on the Auth server's clock: the API answers 401
        return
    with app.app_context(), app.extensions["widget_sessions"].transaction(session_id) as data:
        data["token"]["expires_at"] = int(time.time()) - 60  # stale on the widget's own clock


@pytest.mark.parametrize("how", ["stale", "refused"])
def test_a_lost_refresh_answer_is_asked_again_and_the_session_goes_on(
        app, client, user, clock, how):
    w, page = open_widget(client, user)
    assert screen(page) == "providers"
    refresh_due(app, w.session_id, clock, how)
    app.config["SANDBOX_FAULTS"] = {TOKEN: "lost:1"}
    page = w.post("/widget/add_connection/provider", provider_id="web")
    assert page.status_code == 200 and screen(page) == "credentials"
    assert app.config["SANDBOX_FAULTS"] == {}
    assert screen(w.post("/widget/add_connection/credentials", login="demo", password="pw")) \
        == "accounts"


@pytest.mark.parametrize("how", ["stale", "refused"])
def test_after_two_lost_refresh_answers_the_next_request_still_works(
        app, client, user, clock, how):
    w, page = open_widget(client, user)
    refresh_due(app, w.session_id, clock, how)
    app.config["SANDBOX_FAULTS"] = {TOKEN: "lost:2"}
    page = w.post("/widget/add_connection/provider", provider_id="web")
    assert page.status_code == 502 and screen(page) == "upstream_error"
    clock.advance(30)  # within the Auth server's reuse interval of the rotated refresh token
    page = w.post("/widget/add_connection/provider", provider_id="web")
    assert page.status_code == 200 and screen(page) == "credentials"
