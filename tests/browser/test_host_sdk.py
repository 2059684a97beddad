"""static/passerelle.js in a real browser, on a Client's page of another origin: each mode to
the end against the sandbox, messages from elsewhere ignored, the resume after a REDIRECT bank,
close(), and a popup closed by the user."""
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.client_page import client_server
from tests.browser.page_steps import press
from tests.browser.playground_steps import T, connect_to_web_bank
from tests.client_backend import sandbox_user, widget_link

pytestmark = pytest.mark.browser

FRAME = "iframe[title='Bank connection']"
FORGED = {"eventName": "redirect_to", "redirect_url": "http://127.0.0.1/return.html",
          "status": "success", "result": "success", "connection_id": "forged",
          "widget": "add_connection"}


@pytest.fixture
def client(live_app):
    server = client_server(live_app.live_url)
    yield server
    server.stop()


def session_link(app, client, **options):
    user = sandbox_user(app)
    options.setdefault("redirect_url", client.url + "/return.html")
    return widget_link(app, user, **options)


def open_host(page, client, link, mode, **query):
    page.goto(client.url + "/host.html?" + urlencode({"url": link, "mode": mode, **query}))
    page.get_by_role("button", name="Connect a bank").click()


def calls(page, name=None):
    every = page.evaluate("window.calls")
    return [payload for callback, payload in every if name in (None, callback)]


def wait_for_call(page, name):
    page.wait_for_function("name => window.calls.some(c => c[0] === name)", arg=name,
                           timeout=30000)
    return calls(page, name)


def event_names(page):
    return [message["eventName"] for message in calls(page, "onEvent")]


def wait_for_seen(page, predicate):
    """Wait until the page's own listener got a message `predicate` (JS) accepts: the SDK's
    listener heard the same message in the same dispatch."""
    page.wait_for_function("() => window.seen.some(%s)" % predicate, timeout=30000)


def widget_loaded(page):
    """The widget's first page posted its events: OPEN, then the terms it shows."""
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'TERMS_SHOWN')")
    assert event_names(page) == ["OPEN", "TERMS_SHOWN"]


def assert_success(page, state, first="OPEN"):
    [result] = wait_for_call(page, "onSuccess")
    assert result["result"] == "success" and result["widget"] == "add_connection"
    assert result["connection_id"] and result["state"] == state and result["error"] is None
    names = event_names(page)
    assert names[0] == first and names[-1] == "redirect_to", names
    assert "CONNECTION_CREATED" in names
    assert calls(page, "onExit") == [] and calls(page, "onError") == []
    return result


def test_iframe_mode_to_the_end_then_close_removes_the_frame(live_app, client, page_for):
    page = page_for(locale="en-US")
    open_host(page, client, session_link(live_app, client, state="frame-state"), "iframe")
    connect_to_web_bank(page.frame_locator(FRAME))
    result = assert_success(page, "frame-state")
    assert urlsplit(result["redirect_url"]).path == "/return.html"
    # The widget moved its frame to the redirect URL; the page decides when it goes.
    expect(page.frame_locator(FRAME).get_by_role("heading", name="Back on the Client's page")
           ).to_be_visible()
    page.evaluate("window.handle.close()")
    expect(page.locator("iframe")).to_have_count(0)
    # Nothing is listening any more: a late message changes nothing.
    before = len(calls(page))
    page.evaluate("window.postMessage({eventName: 'LATE'}, '*')")
    wait_for_seen(page, "m => m.data && m.data.eventName === 'LATE'")
    assert len(calls(page)) == before


def test_popup_mode_to_the_end_and_close_closes_the_popup(live_app, client, page_for):
    page = page_for(locale="en-US")
    with page.expect_popup() as opened:
        open_host(page, client, session_link(live_app, client, state="popup-state"), "popup")
    popup = opened.value
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'OPEN')")
    connect_to_web_bank(popup)
    assert_success(page, "popup-state")
    popup.wait_for_url(re.compile(r".*/return\.html\?.*result=success.*"), timeout=30000)
    with popup.expect_event("close"):
        page.evaluate("window.handle.close()")
    assert calls(page, "onExit") == []  # closed by the page, after the end: no exit


def test_a_popup_closed_by_the_user_is_an_exit(live_app, client, page_for):
    page = page_for(locale="en-US")
    page.clock.install()
    with page.expect_popup() as opened:
        open_host(page, client, session_link(live_app, client), "popup")
    popup = opened.value
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'OPEN')")
    popup.close()
    page.clock.run_for(1000)  # the SDK looks at the popup twice a second
    [result] = wait_for_call(page, "onExit")
    assert result == {"result": "cancelled", "widget": None, "connection_id": None,
                      "redirect_url": None, "error": None, "error_description": None,
                      "state": None}
    assert calls(page, "onSuccess") == [] and calls(page, "onError") == []


def test_close_before_the_end_closes_the_popup_and_calls_nothing(live_app, client, page_for):
    page = page_for(locale="en-US")
    page.clock.install()  # the SDK's watch on the popup runs on time this test moves
    with page.expect_popup() as opened:
        open_host(page, client, session_link(live_app, client), "popup")
    popup = opened.value
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'OPEN')")
    with popup.expect_event("close"):
        page.evaluate("window.handle.close()")
    page.clock.run_for(5000)  # ten looks at the popup, had close() not stopped them
    assert [name for name, _ in page.evaluate("window.calls")
            if name != "onEvent"] == []


def test_an_exit_from_the_widget_calls_on_exit_even_after_a_throwing_on_event(live_app, client,
                                                                            page_for):
    page = page_for(locale="en-US")
    open_host(page, client, session_link(live_app, client, state="left"), "iframe", throw="1")
    widget = page.frame_locator(FRAME)
    expect(widget.get_by_role("button", name=T["accept"])).to_be_visible()
    widget.get_by_role("button", name="Exit").click()
    [result] = wait_for_call(page, "onExit")
    assert result["result"] == "cancelled" and result["state"] == "left"
    assert result["widget"] == "add_connection"


def test_redirect_mode_sends_the_window_to_the_widget_and_back(live_app, client, page_for):
    page = page_for(locale="en-US")
    link = session_link(live_app, client, state="page-state")
    open_host(page, client, link, "redirect")
    page.wait_for_url(link)
    connect_to_web_bank(page)
    page.wait_for_url(re.compile(r".*/return\.html\?.*"), timeout=30000)
    query = parse_qs(urlsplit(page.url).query)
    assert query["result"] == ["success"] and query["state"] == ["page-state"]
    assert page.url.startswith(client.url + "/return.html?")


def test_a_message_from_another_origin_through_the_frame_is_ignored(live_app, client, page_for):
    page = page_for(locale="en-US")
    open_host(page, client, session_link(live_app, client), "iframe")
    widget_loaded(page)
    # The frame's window is the SDK's, but it now shows a page of the Client's origin: the
    # right window, the wrong origin.
    frame = page.frame(url=re.compile(r".*/widget/add_connection\?.*"))
    frame.goto(client.url + "/return.html")
    frame.evaluate("forged => window.parent.postMessage(forged, '*')", FORGED)
    wait_for_seen(page, "m => m.mine && m.data.connection_id === 'forged'")
    assert event_names(page) == ["OPEN", "TERMS_SHOWN"]
    assert calls(page, "onSuccess") == []


def test_a_message_from_another_window_of_the_widgets_origin_is_ignored(live_app, client,
                                                                          page_for):
    page = page_for(locale="en-US")
    open_host(page, client, session_link(live_app, client), "iframe")
    widget_loaded(page)
    # Another widget on the same page (another session): its messages come from the widget's
    # origin, but not from the SDK's frame.
    other = session_link(live_app, client)
    page.evaluate("""url => {
        const frame = document.createElement("iframe");
        frame.src = url;
        document.body.appendChild(frame);
    }""", other)
    wait_for_seen(page, "m => !m.mine && m.origin === %r && m.data.eventName === 'TERMS_SHOWN'"
                  % live_app.live_url)
    assert event_names(page) == ["OPEN", "TERMS_SHOWN"]


def test_resume_after_a_redirect_bank_recreates_the_frame(live_app, client, page_for):
    page = page_for(locale="en-US")
    link = session_link(live_app, client, state="bank-state", provider_id="psd2",
                        aspsp_callback_uri=client.url + "/host.html")
    open_host(page, client, link, "iframe")
    assert page.evaluate("window.resumed") is None  # nothing to resume on the first visit
    widget = page.frame_locator(FRAME)
    press(widget, T["accept"])
    widget.get_by_role("button", name="Continue to my bank").click()
    page.wait_for_url(re.compile(r".*/sandbox/bank/.*"))
    page.get_by_label("Login").fill("demo")
    page.get_by_label("Password").fill("any-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    # Back on the Client's page (aspsp_callback_uri) with session_id and state: no click, the
    # page's Passerelle.resume() shows the same widget link again.
    page.wait_for_url(re.compile(r".*/host\.html\?.*session_id=.*"), timeout=30000)
    session_id = parse_qs(urlsplit(link).query)["session_id"][0]
    assert page.evaluate("window.resumed") == {"session_id": session_id, "state": "bank-state"}
    expect(page.locator(FRAME)).to_have_attribute("src", link)
    press(page.frame_locator(FRAME), T["agree"])
    # The events since the frame left for the bank come with the resumed frame's first page.
    assert_success(page, "bank-state", first="REDIRECT_TO_PROVIDER")
    # Ended: the tab forgot the link, so a reload of this address has nothing to resume.
    page.reload()
    assert page.evaluate("window.resumed") is None
    expect(page.locator("iframe")).to_have_count(0)


def test_open_refuses_a_link_that_is_not_http(client, page_for):
    page = page_for(locale="en-US")
    page.goto(client.url + "/host.html")
    for url in ("javascript:alert(1)", "", "data:text/html,x"):
        error = page.evaluate("""url => {
            try { Passerelle.open({url: url, mode: "iframe", container: "#widget"}); }
            catch (e) { return e.message; }
        }""", url)
        assert error == "Passerelle: options.url must be an http(s) widget link"
    error = page.evaluate("""() => {
        try { Passerelle.open({url: location.href, mode: "tab", container: "#widget"}); }
        catch (e) { return e.message; }
    }""")
    assert error == "Passerelle: options.mode: iframe, popup or redirect"
    expect(page.locator("iframe")).to_have_count(0)
