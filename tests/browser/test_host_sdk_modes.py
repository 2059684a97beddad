"""static/passerelle.js in a real browser, on a Client's page of another origin: each mode to
the end against the sandbox, close(), a popup the user closes, an exit."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.host_sdk_steps import (FRAME, assert_success, calls, open_host, session_link,
                                          wait_for_call, wait_for_seen)
from tests.browser.playground_steps import T, connect_to_web_bank

pytestmark = pytest.mark.browser


def test_iframe_mode_to_the_end_then_close_removes_the_frame(live_app, client_site, page_for):
    page = page_for(locale="en-US")
    open_host(page, client_site, session_link(live_app, client_site, state="frame-state"), "iframe")
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


def test_popup_mode_to_the_end_and_close_closes_the_popup(live_app, client_site, page_for):
    page = page_for(locale="en-US")
    with page.expect_popup() as opened:
        link = session_link(live_app, client_site, state="popup-state")
        open_host(page, client_site, link, "popup")
    popup = opened.value
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'OPEN')")
    connect_to_web_bank(popup)
    assert_success(page, "popup-state")
    popup.wait_for_url(re.compile(r".*/return\.html\?.*result=success.*"), timeout=30000)
    with popup.expect_event("close"):
        page.evaluate("window.handle.close()")
    assert calls(page, "onExit") == []  # closed by the page, after the end: no exit


def test_a_popup_closed_by_the_user_is_an_exit(live_app, client_site, page_for):
    page = page_for(locale="en-US")
    page.clock.install()
    with page.expect_popup() as opened:
        open_host(page, client_site, session_link(live_app, client_site), "popup")
    popup = opened.value
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'OPEN')")
    popup.close()
    page.clock.run_for(1000)  # the SDK looks at the popup twice a second
    [result] = wait_for_call(page, "onExit")
    assert result == {"result": "cancelled", "widget": None, "connection_id": None,
                      "redirect_url": None, "error": None, "error_description": None,
                      "state": None}
    assert calls(page, "onSuccess") == [] and calls(page, "onError") == []


def test_close_before_the_end_closes_the_popup_and_calls_nothing(live_app, client_site, page_for):
    page = page_for(locale="en-US")
    page.clock.install()  # the SDK's watch on the popup runs on time this test moves
    with page.expect_popup() as opened:
        open_host(page, client_site, session_link(live_app, client_site), "popup")
    popup = opened.value
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'OPEN')")
    with popup.expect_event("close"):
        page.evaluate("window.handle.close()")
    page.clock.run_for(5000)  # ten looks at the popup, had close() not stopped them
    assert [name for name, _ in page.evaluate("window.calls")
            if name != "onEvent"] == []


def test_an_exit_from_the_widget_calls_on_exit_even_after_a_throwing_on_event(live_app, client_site,
                                                                            page_for):
    page = page_for(locale="en-US")
    link = session_link(live_app, client_site, state="left")
    open_host(page, client_site, link, "iframe", throw="1")
    widget = page.frame_locator(FRAME)
    expect(widget.get_by_role("button", name=T["accept"])).to_be_visible()
    widget.get_by_role("button", name="Exit").click()
    [result] = wait_for_call(page, "onExit")
    assert result["result"] == "cancelled" and result["state"] == "left"
    assert result["widget"] == "add_connection"


def test_redirect_mode_sends_the_window_to_the_widget_and_back(live_app, client_site, page_for):
    page = page_for(locale="en-US")
    link = session_link(live_app, client_site, state="page-state")
    open_host(page, client_site, link, "redirect")
    page.wait_for_url(link)
    connect_to_web_bank(page)
    page.wait_for_url(re.compile(r".*/return\.html\?.*"), timeout=30000)
    query = parse_qs(urlsplit(page.url).query)
    assert query["result"] == ["success"] and query["state"] == ["page-state"]
    assert page.url.startswith(client_site.url + "/return.html?")
