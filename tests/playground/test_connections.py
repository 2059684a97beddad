"""The home page's Connections section: the user's connections, their channels and accounts,
a widget opened for one of them in any mode, a synchronisation, and the fragment htmx polls."""
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.client_backend import SandboxUser, sandbox_user
from tests.playground.playground_forms import page_csrf
from widget.playground import http_calls
from widget.playground.connection_list import CONNECTION_WIDGETS
from widget.playground.session_form import WIDGET_PATHS

HTMX = {"HX-Request": "true"}


def fragment(client):
    """The list alone, as htmx asks for it."""
    response = client.get("/playground/connections?lng=en", headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    return response.get_data(as_text=True)


def home(client):
    response = client.get("/?lng=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def run_of(client):
    with client.session_transaction() as session:
        return session.get("playground_run")


def new_connection(user, login="demo", consent=True):
    """A `web` connection made over the API (no sync yet): its JSON."""
    created = user.api("POST", "/connections", json={
        "provider_id": "web", "channel_definition_id": "web-embedded",
        "credentials": {"login": login, "password": "secret"}})
    assert created.status_code == 201, created.text
    connection = created.json()
    created.close()
    if consent:
        with user.api("PUT", "/connections/%s/consents" % connection["id"],
                      json={"all_accounts": True}) as consents:
            assert consents.status_code == 200, consents.text
    return connection


def sync(user, connection_id):
    with user.api("POST", "/connections/%s/synchronize" % connection_id) as started:
        assert started.status_code == 202, started.text


def answer_challenge(user, connection, answer="123456"):
    channel = connection["channels"][0]
    path = "/connections/%s/channels/%s/challenges/%s" % (
        connection["id"], channel["id"], channel["challenge"]["id"])
    with user.api("POST", path, json={"answer": answer}) as answered:
        assert answered.status_code == 200, answered.text


def api_json(user, path, **params):
    with user.api("GET", path, params=params) as response:
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def with_terms(signed_in):
    signed_in.accept_terms()
    return signed_in


@pytest.fixture
def synced(with_terms, clock):
    """The signed-in user's `web` connection, every account consented and synchronised."""
    return with_terms.synced_connection(clock)


def open_form(client, connection_id, widget="manage_accounts", mode="page", **extra):
    form = {"csrf_token": page_csrf(client), "connection_id": connection_id, "widget": widget,
            "mode": mode, **extra}
    return {k: v for k, v in form.items() if v is not None}


def sync_form(client, connection_id, **extra):
    return {"csrf_token": page_csrf(client), "connection_id": connection_id, **extra}


# --- The section, its fragment and its states -------------------------------------------------

def test_signed_out_the_section_asks_to_sign_in(client):
    page = home(client)
    assert "3. The user's connections" in page
    assert "Sign in as a sandbox user (or create one) to see their connections." in page
    assert "Sign in as a sandbox user (or create one) to see their connections." in fragment(client)


def test_the_fragment_is_the_list_alone_and_the_page_is_whole(client):
    part = fragment(client)
    assert part.strip().startswith('<div id="connections-list"')
    assert "<html" not in part and "<h2" not in part and 'id="connections-live"' not in part
    response = client.get("/playground/connections?lng=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert page.startswith("<!doctype html>") and 'id="connections-list"' in page
    assert '<h2 id="connections-title" tabindex="-1">3. The user\'s connections</h2>' in page
    # A history restore (htmx asking for a whole page) gets the page.
    restored = client.get("/playground/connections", headers={
        **HTMX, "HX-History-Restore-Request": "true"}).get_data(as_text=True)
    assert restored.startswith("<!doctype html>")


def test_refresh_link_works_without_javascript_and_with_htmx(client):
    page = home(client)
    link = re.search(r'<a id="connections-refresh" href="([^"]+)" hx-get="([^"]+)" '
                     r'hx-target="#connections-list" hx-swap="outerHTML">Refresh</a>', page)
    assert link, "no Refresh link"
    assert link.group(1) == "/playground/connections?lng=en#connections-title"
    assert link.group(2) == "/playground/connections?lng=en"
    # What changes after a poll is said there (static/playground.js), never moving the focus.
    assert ('<p id="connections-live" class="visually-hidden" role="status" aria-live="polite">'
            '</p>') in page


def test_french_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert "3. Les connexions de l’utilisateur" in page and "Actualiser" in page


def test_before_the_terms_the_section_says_why_it_is_empty(client, signed_in):
    page = home(client)
    assert "No connections yet: the user has not accepted the terms." in page
    assert "message-error" not in page


def test_no_connection_yet(client, with_terms):
    assert "No connections yet: open add_connection with the form above." in fragment(client)


def test_a_connection_with_its_bank_channels_and_accounts(client, app, synced, with_terms):
    connection = api_json(with_terms, "/connections/" + synced)
    accounts = api_json(with_terms, "/accounts", connection_id=synced)
    part = fragment(client)
    assert '<h3 id="c-' in part and ">Banque en Ligne</h3>" in part
    assert "<dd><code>%s</code></dd>" % synced in part
    assert "Synchronised <code>SUCCESS</code>" in part
    assert '<time datetime="%s">' % connection["last_sync_date"] in part
    assert "A credential form <code>EMBEDDED</code>" in part
    assert "<code>web-embedded</code>" in part and "Working <code>SUCCESS</code>" in part
    assert "<td><code>demo</code></td>" in part  # the login, which names the scenario
    assert len(accounts) >= 2
    for account in accounts:
        assert '<th scope="row">%s</th>' % account["name"] in part
    assert part.count("Shared <code>ACTIVE</code>") == len(accounts)
    assert part.count("Personal <code>PERSONAL</code>") == len(accounts)
    assert "Current account" in part and "Savings account" in part
    # Nothing runs: the fragment carries no trigger, so the polling stops.
    assert "hx-trigger" not in part
    assert 'data-live="Banque en Ligne: Synchronised."' in part


def test_accounts_waiting_for_consent_and_professional_ones(client, with_terms):
    new_connection(with_terms, login="pro", consent=False)
    part = fragment(client)
    assert "Never synchronised <code>NONE</code>" in part and "Never</dd>" in part
    assert "Waiting for consent <code>PENDING_CONSENT</code>" in part
    assert "Professional <code>PROFESSIONAL</code>" in part
    assert "Personal <code>PERSONAL</code>" in part


def test_a_running_sync_polls_until_it_ends(client, with_terms, clock):
    connection = new_connection(with_terms)
    sync(with_terms, connection["id"])
    part = fragment(client)
    assert "Synchronising <code>RUNNING</code>" in part
    assert re.search(r"step \d of 3", part)
    assert ('hx-get="/playground/connections?lng=en" hx-trigger="every 3s" '
            'hx-swap="outerHTML"') in part
    # The page itself polls the same way when it is loaded during a sync.
    assert 'hx-trigger="every 3s"' in home(client)
    clock.advance(60)
    part = fragment(client)
    assert "Synchronised <code>SUCCESS</code>" in part and "hx-trigger" not in part


def test_several_connections_each_with_its_own_ids(client, with_terms, clock):
    first = with_terms.synced_connection(clock)
    second = with_terms.synced_connection(clock, login="pro")
    page = home(client)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids"
    for connection_id in (first, second):
        assert '<input type="hidden" name="connection_id" value="%s">' % connection_id in page
    # Every visible field has its label (two forms per connection).
    fields = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]* id="([^"]+)"', page)
    for field_id in fields:
        assert 'for="%s"' % field_id in page, field_id


def test_each_connection_offers_the_widgets_that_take_one_in_every_mode(client, synced):
    part = fragment(client)
    form = re.search(r'<form method="post" action="/playground/connections/widget-session\?lng=en"'
                     r' id="(c-[0-9a-f]+)-open" class="open-widget" hx-preserve="true">(.*?)</form>',
                     part, re.S)
    assert form, part
    dom_id, body = form.groups()
    assert re.findall(r'<option value="([^"]+)"', body) == list(CONNECTION_WIDGETS)
    assert re.findall(r'name="mode" value="([^"]+)"', body) == ["page", "iframe", "popup"]
    assert re.search(r'value="page" checked', body)
    assert 'for="%s-widget"' % dom_id in body and 'for="%s-mode-iframe"' % dom_id in body
    assert 'name="csrf_token"' in body
    assert ('hx-post="/playground/connections/synchronize?lng=en" hx-target="#connections-list"'
            in part)
    assert 'id="%s-sync" aria-describedby="%s-title">Synchronise</button>' % (dom_id, dom_id) in part
    # add_connection and terms stay in the main form.
    page = home(client)
    assert '<option value="add_connection"' in page and '<option value="terms"' in page


# --- Opening a widget for a connection ---------------------------------------------------------

@pytest.mark.parametrize("widget", list(CONNECTION_WIDGETS))
def test_full_page_opens_the_widget_link_with_the_connection(client, app, synced, sent_fields,
                                                            widget):
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, synced, widget=widget))
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    run = run_of(client)
    assert location == "%s/widget/%s?session_id=%s&connection_id=%s" % (
        app.live_url, WIDGET_PATHS[widget], run["session_id"], synced)
    assert run["widget"] == widget and run["mode"] == "page" and run["state"]
    sent = sent_fields[-1]
    assert sent["redirect_url"] == app.live_url + "/playground/return?lng=en"
    assert sent["locale"] == "en" and sent["state"] == run["state"]
    assert "aspsp_callback_uri" not in sent and "connection_id" not in sent


def test_the_opened_widget_shows_that_connection(client, app, synced, with_terms):
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, synced, widget="manage_accounts"))
    link = urlsplit(response.headers["Location"])
    page = client.get(link.path + "?" + link.query).get_data(as_text=True)
    assert "The accounts you share" in page
    for account in api_json(with_terms, "/accounts", connection_id=synced):
        assert account["name"] in page


@pytest.mark.parametrize("mode, host", [("iframe", "/playground/embed"),
                                        ("popup", "/playground/popup")])
def test_iframe_and_popup_open_their_page_with_the_connection(client, app, synced, sent_fields,
                                                             mode, host):
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, synced, widget="edit_credentials", mode=mode))
    assert response.status_code == 303, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    run = run_of(client)
    assert location.path == host and run["mode"] == mode
    assert query_of(response.headers["Location"]) == {
        "session_id": run["session_id"], "widget": "edit_credentials", "connection_id": synced,
        "lng": "en"}
    if mode == "iframe":  # the bank's way back (aspsp_callback_uri) keeps the connection
        assert sent_fields[-1]["aspsp_callback_uri"] == (
            app.live_url + "/playground/embed?widget=edit_credentials&lng=en&connection_id="
            + synced)
    else:
        assert "aspsp_callback_uri" not in sent_fields[-1]
    page = client.get(location.path + "?" + location.query).get_data(as_text=True)
    assert ('data-widget-url="%s/widget/edit_credentials?session_id=%s&amp;connection_id=%s"'
            % (app.live_url, run["session_id"], synced)) in page


@pytest.mark.parametrize("connection_id", ["", "a/b", "..", "x" * 65, "<b>"])
def test_a_malformed_connection_id_is_refused(client, with_terms, connection_id):
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, connection_id))
    assert response.status_code == 400
    assert "The form sent no valid connection id." in response.get_data(as_text=True)
    assert run_of(client) is None


def test_an_unknown_connection_is_said(client, with_terms, sent_fields):
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, "424242"))
    assert response.status_code == 400
    assert ("The user has no connection 424242: it may have been deleted."
            in response.get_data(as_text=True))
    assert not sent_fields and run_of(client) is None


def test_another_users_connection_is_unknown(client, app, with_terms, clock):
    other = sandbox_user(app, accept_terms=True)
    theirs = SandboxUser(app.live_url, other["email"], other["password"]).synced_connection(clock)
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, theirs))
    assert response.status_code == 400
    assert "The user has no connection %s" % theirs in response.get_data(as_text=True)


@pytest.mark.parametrize("widget", ["add_connection", "terms", "nope", ""])
def test_a_widget_that_takes_no_connection_or_unknown_is_refused(client, synced, widget):
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, synced, widget=widget))
    assert response.status_code == 400
    assert ("Choose one of the widgets that take a connection."
            in response.get_data(as_text=True))


@pytest.mark.parametrize("mode", ["tab", "", None])
def test_an_unknown_mode_is_refused(client, synced, mode):
    response = client.post("/playground/connections/widget-session?lng=en",
                           data=open_form(client, synced, mode=mode))
    assert response.status_code == 400
    assert ("Choose how to open the widget: full page, iframe or popup."
            in response.get_data(as_text=True))


def test_opening_needs_the_forms_csrf_token(client, synced):
    form = open_form(client, synced, csrf_token="forged")
    response = client.post("/playground/connections/widget-session?lng=en", data=form)
    assert response.status_code == 400
    assert "This form has expired. Please send it again." in response.get_data(as_text=True)
    assert run_of(client) is None


def test_opening_when_the_api_fails(client, app, synced):
    form = open_form(client, synced)
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/connections": "500"}
    response = client.post("/playground/connections/widget-session?lng=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "Reading the connection: the server answered with an error." in page
    assert "Reading the user&#39;s connections: the server answered with an error." in page


# --- Synchronising -----------------------------------------------------------------------------

def test_synchronise_with_htmx_answers_the_list_polling(client, synced):
    response = client.post("/playground/connections/synchronize?lng=en",
                           data=sync_form(client, synced), headers=HTMX)
    part = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert part.strip().startswith('<div id="connections-list"')
    assert "Synchronisation of connection %s started." % synced in part
    assert "Synchronising <code>RUNNING</code>" in part and 'hx-trigger="every 3s"' in part
    assert 'data-live="Synchronisation of connection %s started. Banque en Ligne: ' \
        'Synchronising."' % synced in part


def test_synchronise_without_javascript_comes_back_to_the_section(client, synced):
    response = client.post("/playground/connections/synchronize?lng=en",
                           data=sync_form(client, synced))
    assert response.status_code == 303
    assert response.headers["Location"] == "/?lng=en#connections-title"
    page = home(client)
    assert "Synchronisation of connection %s started." % synced in page
    assert "Synchronising <code>RUNNING</code>" in page


def test_a_sync_after_the_sca_validity_asks_a_challenge_again(client, with_terms, clock):
    connection = new_connection(with_terms, login="otp")
    answer_challenge(with_terms, connection)
    sync(with_terms, connection["id"])
    clock.advance(60)
    assert "The bank waits for the user" not in fragment(client)
    page = home(client)
    assert "more than 300 seconds (SANDBOX_SCA_VALIDITY)" in page
    clock.advance(301)
    response = client.post("/playground/connections/synchronize?lng=en",
                           data=sync_form(client, connection["id"]), headers=HTMX)
    part = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Waiting for a verification <code>CHALLENGE_REQUIRED</code>" in part
    assert "The bank waits for the user: open user_input for this connection." in part
    assert 'hx-trigger="every 3s"' in part


def test_a_blocked_connection_cannot_synchronise(client, with_terms):
    connection = new_connection(with_terms, login="locked")
    assert "Action needed on your bank&#39;s website" in fragment(client)
    for headers in (HTMX, {}):
        response = client.post("/playground/connections/synchronize?lng=en",
                               data=sync_form(client, connection["id"]), headers=headers)
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "This connection cannot synchronise now: a channel waits for the user" in page
        assert "HTTP 409 conflict" in page
        assert ("<!doctype html>" in page) == (not headers)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_synchronise_bad_input(client, with_terms, headers):
    response = client.post("/playground/connections/synchronize?lng=en",
                           data=sync_form(client, "424242"), headers=headers)
    assert response.status_code == 400
    assert ("The user has no connection 424242: it may have been deleted."
            in response.get_data(as_text=True))
    response = client.post("/playground/connections/synchronize?lng=en",
                           data=sync_form(client, "a/b"), headers=headers)
    assert response.status_code == 400
    assert "The form sent no valid connection id." in response.get_data(as_text=True)
    response = client.post("/playground/connections/synchronize?lng=en",
                           data=sync_form(client, "1", csrf_token="forged"), headers=headers)
    assert response.status_code == 400
    assert "This form has expired. Please send it again." in response.get_data(as_text=True)


# --- When the API fails ------------------------------------------------------------------------

def break_tokens(client):
    """The widget rotated the refresh token away: neither of ours works any more."""
    with client.session_transaction() as session:
        session["playground_user"] = dict(session["playground_user"], access_token="revoked",
                                          refresh_token="revoked", expires_at=time.time() + 900)


def test_tokens_no_longer_valid_say_so_and_offer_to_sign_in(client, synced):
    break_tokens(client)
    part = fragment(client)
    assert ("The user&#39;s tokens are no longer valid (the widget may have renewed them): "
            "sign in again.") in part
    assert '<a class="button" href="/?lng=en#user-title">Sign in again</a>' in part
    assert "hx-trigger" not in part
    page = home(client)  # signed out now: the page offers the sign-in form
    assert 'action="/playground/user/sign-in?lng=en"' in page


def test_tokens_no_longer_valid_when_synchronising(client, synced):
    csrf = page_csrf(client)
    break_tokens(client)
    response = client.post("/playground/connections/synchronize?lng=en", headers=HTMX,
                           data={"csrf_token": csrf, "connection_id": synced})
    part = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The user&#39;s tokens are no longer valid" in part
    assert "Sign in as a sandbox user (or create one) to see their connections." in part


def test_tokens_no_longer_valid_when_opening_a_widget(client, synced):
    form = open_form(client, synced)
    break_tokens(client)
    response = client.post("/playground/connections/widget-session?lng=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The user&#39;s tokens are no longer valid" in page
    assert 'action="/playground/user/sign-in?lng=en"' in page
    assert run_of(client) is None


def test_a_refused_access_token_says_sign_in_again(client, synced, monkeypatch):
    def refused(path, params=None):
        raise http_calls.CallFailed(401, "invalid_token", "The access token is not valid.")

    monkeypatch.setattr("widget.playground.connection_list.api_get_as_user", refused)
    part = fragment(client)
    assert ("Reading the user&#39;s connections: the user&#39;s access token was refused. "
            "Sign in again.") in part
    assert ">Sign in again</a>" in part


def test_api_error_on_connections_is_a_message(client, app, synced):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/connections": "500"}
    part = fragment(client)
    assert "Reading the user&#39;s connections: the server answered with an error." in part
    assert "HTTP 500 server_error" in part and "hx-trigger" not in part
    assert "Reading the user&#39;s connections" in home(client)
    response = client.post("/playground/connections/synchronize?lng=en", headers=HTMX,
                           data=sync_form(client, synced))
    assert response.status_code == 502
    assert ("Starting the synchronisation: the server answered with an error."
            in response.get_data(as_text=True))


def test_api_error_on_accounts_keeps_the_connection(client, app, synced):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/accounts": "500"}
    part = fragment(client)
    assert ">Banque en Ligne</h3>" in part
    assert "The accounts could not be read." in part
    assert part.count('<p class="message message-error">Reading the connection&#39;s accounts: '
                      'the server answered') == 1


def test_a_bank_name_that_cannot_be_read_shows_its_id(client, app, with_terms, clock):
    from widget.playground import connection_list

    connection_list._provider_names.clear()
    with_terms.synced_connection(clock)
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/providers": "500"}
    assert ">web</h3>" in fragment(client)


def test_sandbox_down_is_a_message(offline_app):
    client = offline_app.test_client()
    with client.session_transaction() as session:
        session["playground_user"] = {"email": "a@sandbox.example", "access_token": "t",
                                      "refresh_token": "r", "expires_at": time.time() + 900}
    response = client.get("/?lng=en")
    assert response.status_code == 200
    assert ("Reading the user&#39;s connections: the server could not be reached."
            in response.get_data(as_text=True))
    part = client.get("/playground/connections?lng=en", headers=HTMX).get_data(as_text=True)
    assert "the server could not be reached" in part
