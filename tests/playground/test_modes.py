"""Full page, iframe and popup: the mode choice, the pages hosting the widget, the return page."""
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.playground.playground_forms import session_form

SESSION_ID = "A" * 43


def run_of(client):
    with client.session_transaction() as session:
        return session.get("playground_run")


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# --- The mode choice on the home page ----------------------------------------------------------

def test_modes_are_labelled_radios_full_page_first(client):
    page = client.get("/?lng=en").get_data(as_text=True)
    radios = re.findall(r'<input type="radio" id="([^"]+)" name="mode" value="([^"]+)"[^>]*>', page)
    assert [value for _, value in radios] == ["page", "iframe", "popup"]
    for field_id, _ in radios:
        assert 'for="%s"' % field_id in page
    assert re.search(r'name="mode" value="page"[^>]* checked', page)
    assert "<legend>How the app shows the widget</legend>" in page
    for label in ("Full page", "Iframe", "Popup"):
        assert ">%s</label>" % label in page
    # The page says that iframe and popup need JavaScript, and what happens without it.
    assert "Iframe and popup need JavaScript" in page


def test_modes_are_french_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert "Pleine page" in page and "Fenêtre surgissante" in page


@pytest.mark.parametrize("mode", [None, "", "page"])
def test_full_page_opens_the_widget_and_sends_no_callback_page(client, app, signed_in,
                                                               sent_fields, mode):
    response = client.post("/playground/widget-session", data=session_form(client, app, mode=mode))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].startswith(app.live_url + "/widget/add_connection?")
    assert "aspsp_callback_uri" not in sent_fields[-1]
    assert run_of(client)["mode"] == "page"


def test_iframe_mode_sends_its_page_as_aspsp_callback_uri(client, app, signed_in, sent_fields):
    response = client.post("/playground/widget-session",
                           data=session_form(client, app, mode="iframe"))
    assert response.status_code == 303, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    run = run_of(client)
    assert location.path == "/playground/embed"
    assert query_of(response.headers["Location"]) == {"session_id": run["session_id"],
                                                      "widget": "add_connection"}
    # The widget accepted it (201): the demo client's URLs cover the playground's pages.
    callback = sent_fields[-1]["aspsp_callback_uri"]
    assert callback == app.live_url + "/playground/embed?widget=add_connection"
    assert run["mode"] == "iframe"


def test_iframe_mode_keeps_language_and_connection_in_both_addresses(client, app, signed_in,
                                                                   sent_fields):
    response = client.post("/playground/widget-session?lng=en", data=session_form(
        client, app, mode="iframe", widget="manage_accounts", connection_id="conn-7"))
    assert response.status_code == 303, response.get_data(as_text=True)
    expected = {"widget": "manage_accounts", "connection_id": "conn-7", "lng": "en"}
    assert query_of(response.headers["Location"]) == {**expected,
                                                      "session_id": run_of(client)["session_id"]}
    callback = sent_fields[-1]["aspsp_callback_uri"]
    assert callback.startswith(app.live_url + "/playground/embed?")
    assert query_of(callback) == expected


def test_iframe_mode_sends_a_typed_aspsp_callback_uri_as_typed(client, app, signed_in,
                                                             sent_fields):
    typed = app.live_url + "/playground/embed?widget=add_connection&mine=1"
    response = client.post("/playground/widget-session", data=session_form(
        client, app, mode="iframe", aspsp_callback_uri=typed))
    assert response.status_code == 303
    assert sent_fields[-1]["aspsp_callback_uri"] == typed


def test_popup_mode_opens_the_popup_page_and_sends_no_callback_page(client, app, signed_in,
                                                                    sent_fields):
    response = client.post("/playground/widget-session?lng=en",
                           data=session_form(client, app, mode="popup"))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert urlsplit(response.headers["Location"]).path == "/playground/popup"
    assert query_of(response.headers["Location"]) == {
        "session_id": run_of(client)["session_id"], "widget": "add_connection", "lng": "en"}
    assert "aspsp_callback_uri" not in sent_fields[-1]


@pytest.mark.parametrize("mode", ["frame", "IFRAME", "page; drop", "x" * 600])
def test_an_unknown_mode_is_refused_with_a_translated_message(client, app, signed_in,
                                                              sent_fields, mode):
    response = client.post("/playground/widget-session?lng=en",
                           data=session_form(client, app, mode=mode))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose how to open the widget: full page, iframe or popup." in page
    assert sent_fields == [] and run_of(client) is None
    french = client.post("/playground/widget-session", data=session_form(client, app, mode=mode))
    assert "Choisissez comment ouvrir le widget" in french.get_data(as_text=True)


# --- The pages hosting the widget --------------------------------------------------------------

def host_page(client, mode, **params):
    path = "/playground/embed" if mode == "iframe" else "/playground/popup"
    return client.get(path + "?" + urlencode(params))


@pytest.mark.parametrize("mode", ["iframe", "popup"])
def test_host_page_hands_the_widget_link_to_its_script(client, app, mode):
    response = host_page(client, mode, session_id=SESSION_ID, widget="add_connection", lng="en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    link = "%s/widget/add_connection?session_id=%s" % (app.live_url, SESSION_ID)
    assert 'data-widget-url="%s"' % link in page
    assert 'data-mode="%s"' % mode in page
    # The host SDK a Client's page uses, then the playground's log around it.
    assert re.search(r'<script src="/static/passerelle\.[0-9a-f]{12}\.js"></script>\s*'
                     r'<script src="/static/playground\.[0-9a-f]{12}\.js"></script>', page)
    # No inline script or style (CSP). Without JavaScript the page says so and links to the
    # widget in full page; the script hides that note (class "js" on <html>, playground.css).
    assert len(re.findall(r"<script", page)) == 2 and "style=" not in page and "<style" not in page
    assert re.search(r'<p class="message message-error without-js">[^<]*<a href="%s">'
                     % re.escape(link.replace("&", "&amp;")), page)
    assert 'role="log"' in page and 'aria-live="polite"' in page
    assert "<iframe" not in page  # the script makes it, once it listens to messages


def test_iframe_page_may_frame_the_widget_and_names_the_frame(client, app):
    response = host_page(client, "iframe", session_id=SESSION_ID, widget="add_connection",
                         lng="en")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-src 'self' %s" % app.live_url in csp
    assert "frame-ancestors 'self'" in csp
    assert 'data-frame-title="Bank connection widget"' in response.get_data(as_text=True)


def test_popup_page_offers_a_button(client):
    page = host_page(client, "popup", session_id=SESSION_ID, widget="add_connection",
                     lng="en").get_data(as_text=True)
    assert '<button type="button" class="primary" id="open-popup">Open the widget in a popup' in page
    assert 'data-popup-name="passerelle-widget"' in page


@pytest.mark.parametrize("widget,path", [("professional_account", "professional-account"),
                                         ("edit_credentials", "edit_credentials")])
def test_host_page_builds_each_widget_link(client, app, widget, path):
    page = host_page(client, "iframe", session_id=SESSION_ID, widget=widget,
                     connection_id="c-1").get_data(as_text=True)
    expected = "%s/widget/%s?session_id=%s&amp;connection_id=c-1" % (app.live_url, path, SESSION_ID)
    assert 'data-widget-url="%s"' % expected in page


@pytest.mark.parametrize("mode", ["iframe", "popup"])
@pytest.mark.parametrize("params,problem", [
    ({}, "no valid session_id"),
    ({"session_id": ""}, "no valid session_id"),
    ({"session_id": "short"}, "no valid session_id"),
    ({"session_id": "<script>alert(1)</script>" + "a" * 30}, "no valid session_id"),
    ({"session_id": SESSION_ID + "&x"}, "no valid session_id"),
    ({"session_id": SESSION_ID, "widget": "nope"}, "names no known widget"),
    ({"session_id": SESSION_ID, "connection_id": "../x"}, "connection id in the address"),
])
def test_host_page_refuses_a_bad_address_with_a_translated_message(client, mode, params,
                                                                   problem):
    response = host_page(client, mode, lng="en", **params)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert problem in page and 'class="message message-error"' in page
    assert "data-widget-url" not in page and "<script" not in page
    french = host_page(client, mode, **params)
    assert french.status_code == 400
    assert "Le widget ne peut pas être affiché" in french.get_data(as_text=True)


def test_iframe_page_after_the_bank_checks_the_state(client, app, signed_in):
    response = client.post("/playground/widget-session",
                           data=session_form(client, app, mode="iframe"))
    session_id = query_of(response.headers["Location"])["session_id"]
    back = host_page(client, "iframe", widget="add_connection", lng="en",
                     session_id=session_id, state="state-123")
    page = back.get_data(as_text=True)
    assert back.status_code == 200
    assert "The widget sent this page back after the bank" in page
    assert "The state matches the one this playground sent." in page
    forged = host_page(client, "iframe", widget="add_connection", lng="en",
                       session_id=session_id, state="other")
    assert "this return must not be trusted" in forged.get_data(as_text=True)
    # A first visit (no state in the address) says nothing about a bank.
    first = host_page(client, "iframe", widget="add_connection", lng="en", session_id=session_id)
    assert "after the bank" not in first.get_data(as_text=True)


# --- The return page in a frame or a popup -----------------------------------------------------

def test_return_page_in_the_frame_is_the_result_alone(client):
    params = {"result": "success", "widget": "add_connection", "connection_id": "c-9",
              "lng": "en"}
    response = client.get("/playground/return?" + urlencode(params),
                          headers={"Sec-Fetch-Dest": "iframe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sec-Fetch-Dest" in response.headers["Vary"]
    assert "The user went through the widget to the end." in page
    assert 'class="playground compact"' in page and 'class="topbar"' not in page
    assert "Events of the widget session" not in page
    link = re.search(r'<a href="([^"]+)" target="_top">Open the whole return page', page)
    assert link and link.group(1).startswith("/playground/return?")
    # The connection is offered again in the form, as after a full page return.
    assert 'value="c-9"' in client.get("/").get_data(as_text=True)


def test_return_page_at_top_level_is_unchanged(client):
    response = client.get("/playground/return?result=success&widget=terms&lng=en",
                          headers={"Sec-Fetch-Dest": "document"})
    page = response.get_data(as_text=True)
    assert 'class="topbar"' in page and "Events of the widget session" in page
    assert 'target="_top"' not in page
    # The popup's note is there for the script, hidden until it finds an opener.
    assert re.search(r'<div id="popup-note" class="popup-note" hidden>', page)
    assert "You can close this window." in page
