"""static/passerelle.js in a real browser, on a Client's page of another origin: the resume after
a REDIRECT bank, messages from another origin or another window ignored, bad options refused."""
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.host_sdk_steps import (FORGED, FRAME, assert_success, calls, event_names,
                                          open_host, session_link, wait_for_seen, widget_loaded)
from tests.browser.page_steps import press
from tests.browser.playground_steps import T

pytestmark = pytest.mark.browser


def test_a_message_from_another_origin_through_the_frame_is_ignored(live_app, client_site,
                                                                     page_for):
    page = page_for(locale="en-US")
    open_host(page, client_site, session_link(live_app, client_site), "iframe")
    widget_loaded(page)
    # The frame's window is the SDK's, but it now shows a page of the Client's origin: the
    # right window, the wrong origin.
    frame = page.frame(url=re.compile(r".*/widget/add_connection\?.*"))
    frame.goto(client_site.url + "/return.html")
    frame.evaluate("forged => window.parent.postMessage(forged, '*')", FORGED)
    wait_for_seen(page, "m => m.mine && m.data.connection_id === 'forged'")
    assert event_names(page) == ["OPEN", "TERMS_SHOWN"]
    assert calls(page, "onSuccess") == []


def test_a_message_from_another_window_of_the_widgets_origin_is_ignored(live_app, client_site,
                                                                          page_for):
    page = page_for(locale="en-US")
    open_host(page, client_site, session_link(live_app, client_site), "iframe")
    widget_loaded(page)
    # Another widget on the same page (another session): its messages come from the widget's
    # origin, but not from the SDK's frame.
    other = session_link(live_app, client_site)
    page.evaluate("""url => {
        const frame = document.createElement("iframe");
        frame.src = url;
        document.body.appendChild(frame);
    }""", other)
    wait_for_seen(page, "m => !m.mine && m.origin === %r && m.data.eventName === 'TERMS_SHOWN'"
                  % live_app.live_url)
    assert event_names(page) == ["OPEN", "TERMS_SHOWN"]


def test_resume_after_a_redirect_bank_recreates_the_frame(live_app, client_site, page_for):
    page = page_for(locale="en-US")
    link = session_link(live_app, client_site, state="bank-state", provider_id="psd2",
                        aspsp_callback_uri=client_site.url + "/host.html")
    open_host(page, client_site, link, "iframe")
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


def test_open_refuses_a_link_that_is_not_http(client_site, page_for):
    page = page_for(locale="en-US")
    page.goto(client_site.url + "/host.html")
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


def test_resume_in_a_tab_that_never_opened_the_session_needs_its_link(live_app, client_site,
                                                                       page_for):
    page = page_for(locale="en-US")
    link = session_link(live_app, client_site)
    session_id = parse_qs(urlsplit(link).query)["session_id"][0]
    # The bank's app came back in a new tab: nothing kept there, so the page resumes nothing
    # by itself, and a link of another session is not taken for this one.
    page.goto(client_site.url + "/host.html?" + urlencode({"session_id": session_id,
                                                          "state": "s"}))
    assert page.evaluate("window.resumed") is None
    expect(page.locator("iframe")).to_have_count(0)
    other = session_link(live_app, client_site)
    resume = """url => {
        window.handle = Passerelle.resume({url: url, container: "#widget", title: "Bank connection",
                                          onEvent: m => window.calls.push(["onEvent", m])});
        return window.handle && window.handle.resumed;
    }"""
    assert page.evaluate(resume, other) is None
    assert page.evaluate(resume, link) == {"session_id": session_id, "state": "s"}
    expect(page.locator(FRAME)).to_have_attribute("src", link)
    widget_loaded(page)
