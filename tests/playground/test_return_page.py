"""The return page: what came back, the state check, the session's events, the accounts."""
import re
from urllib.parse import urlencode, urlsplit

import requests

from tests.playground.playground_forms import session_form


def start_run(client, app, **overrides):
    """Create a widget session through the playground and open its widget: the link's path."""
    form = session_form(client, app, **overrides)
    response = client.post("/playground/widget-session", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    link = urlsplit(response.headers["Location"])
    opened = client.get(link.path + "?" + link.query)
    assert opened.status_code < 500
    return link.query.split("session_id=")[1].split("&")[0]


def return_page(client, **params):
    return client.get("/playground/return?" + urlencode({"lng": "en", **params}))


def test_without_any_run(client):
    response = return_page(client, result="success", widget="terms")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No widget session was created from this browser yet." in page
    assert "<code>success</code>" in page and "<code>terms</code>" in page
    assert "A state came back" not in page and "No state was sent." in page


def test_result_state_events_and_accounts(client, app, signed_in, clock):
    start_run(client, app)
    signed_in.accept_terms()
    connection_id = signed_in.synced_connection(clock)
    response = return_page(client, result="success", widget="add_connection",
                           connection_id=connection_id, state="state-123")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "The user went through the widget to the end." in page
    assert "The state matches the one this playground sent." in page
    assert "<code>OPEN</code>" in page
    accounts = signed_in.api("GET", "/accounts", params={"connection_id": connection_id}).json()
    assert accounts
    for account in accounts:
        assert account["name"] in page and account["status"] in page
    transactions = signed_in.api("GET", "/transactions",
                                 params={"account_id": accounts[0]["id"], "limit": 5}).json()
    assert transactions and transactions[0]["label"] in page
    assert "Latest transactions" in page
    # The connection is offered again in the form.
    assert '<option value="%s">' % connection_id in client.get("/").get_data(as_text=True)


def test_state_mismatch_and_missing(client, app, signed_in):
    start_run(client, app)
    page = return_page(client, result="success", widget="add_connection", state="forged")
    assert "does not match" in page.get_data(as_text=True)
    page = return_page(client, result="cancelled", widget="add_connection")
    assert "This playground sent a state, but none came back." in page.get_data(as_text=True)


def test_error_result_is_shown(client, app, signed_in):
    start_run(client, app)
    page = return_page(client, result="error", widget="add_connection", error="auth_failed",
                       error_description="The bank refused <b>it</b>.",
                       state="state-123").get_data(as_text=True)
    assert "The widget ended with an error." in page
    assert "<code>auth_failed</code>" in page
    assert "The bank refused &lt;b&gt;it&lt;/b&gt;." in page


def test_ended_session_has_no_events_any_more(client, app, signed_in):
    session_id = start_run(client, app)
    ended = requests.delete(app.live_url + "/widget_session/" + session_id,
                            auth=("demo-client", "demo-secret"), timeout=10)
    assert ended.status_code == 204
    page = return_page(client, result="success", widget="add_connection").get_data(as_text=True)
    assert "This widget session has ended or expired" in page


def test_accounts_before_terms_are_accepted(client, app, signed_in):
    page = return_page(client, result="success", connection_id="c-1").get_data(as_text=True)
    assert "the user has not accepted the terms yet" in page


def test_unknown_connection_and_bad_id(client, app, signed_in):
    signed_in.accept_terms()
    page = return_page(client, result="success", connection_id="no-such").get_data(as_text=True)
    assert "HTTP 404 not_found" in page
    page = return_page(client, result="success", connection_id="a/b").get_data(as_text=True)
    assert "The connection id in the address is not valid." in page


def test_accounts_need_a_signed_in_user(client):
    page = return_page(client, result="success", connection_id="c-1").get_data(as_text=True)
    assert "Sign in as the sandbox user to read this connection&#39;s accounts." in page


def test_sandbox_down_is_a_message(offline_app):
    client = offline_app.test_client()
    with client.session_transaction() as session:
        session["playground_run"] = {"session_id": "x" * 43, "state": None, "widget": "terms"}
    response = client.get("/playground/return?lng=en&result=success")
    assert response.status_code == 200
    # The widget's API answers (in-process), but cannot check the client at the Auth server.
    page = response.get_data(as_text=True)
    assert "Reading the widget session&#39;s events: the server answered with an error." in page
    assert "HTTP 503 temporarily_unavailable: the Auth server cannot be reached" in page


def widget_form_fields(page):
    """The hidden session_id and csrf_token of a widget screen."""
    return {name: re.search(r'name="%s" value="([^"]+)"' % name, page).group(1)
            for name in ("session_id", "csrf_token")}


def english_return_url(app):
    return app.live_url + "/playground/return?lng=en"


def follow_to_return_page(client, response):
    assert response.status_code == 303
    back = urlsplit(response.headers["Location"])
    assert back.path == "/playground/return"
    return client.get(back.path + "?" + back.query)


def test_round_trip_through_the_terms_widget(client, app, signed_in):
    """Playground -> widget (accept the terms) -> return page, all for real."""
    response = client.post("/playground/widget-session",
                           data=session_form(client, app, widget="terms", locale="en",
                                             redirect_url=english_return_url(app)))
    link = urlsplit(response.headers["Location"])
    screen = client.get(link.path + "?" + link.query).get_data(as_text=True)
    accepted = client.post("/widget/terms/accept", data=widget_form_fields(screen))
    page = follow_to_return_page(client, accepted).get_data(as_text=True)
    assert "The user went through the widget to the end." in page
    assert "The state matches the one this playground sent." in page
    for event in ("OPEN", "TERMS_SHOWN", "TERMS_ACCEPTED"):
        assert "<code>%s</code>" % event in page


def test_round_trip_when_the_user_leaves(client, app, signed_in):
    response = client.post("/playground/widget-session",
                           data=session_form(client, app, locale="en",
                                             redirect_url=english_return_url(app)))
    link = urlsplit(response.headers["Location"])
    screen = client.get(link.path + "?" + link.query).get_data(as_text=True)
    left = client.post("/widget/cancel", data=widget_form_fields(screen))
    page = follow_to_return_page(client, left).get_data(as_text=True)
    assert "The user left the widget." in page and "<code>cancelled</code>" in page
    assert "The state matches the one this playground sent." in page
    assert "<code>EXIT</code>" in page or "<code>REDIRECT</code>" in page
