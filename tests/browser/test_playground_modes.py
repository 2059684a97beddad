"""The playground's three ways of showing the widget, in a real browser: full page, iframe, popup.

In the iframe and the popup, the playground's page logs every message the widget posts and
shows the result from `redirect_to`. A REDIRECT (PSD2) bank runs at the top of the window and
comes back to the iframe page through aspsp_callback_uri, where the widget resumes.
"""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.page_steps import press
from tests.browser.playground_steps import (FRAME, T, connect_to_web_bank, logged_names,
                                            open_the_popup, start_from_playground)

pytestmark = pytest.mark.browser


def approve_at_the_bank(window):
    """The sandbox bank portal (English, from the browser's language): sign in, allow."""
    window.wait_for_url(re.compile(r".*/sandbox/bank/.*"))
    window.get_by_label("Login").fill("demo")
    window.get_by_label("Password").fill("any-password")
    window.get_by_role("button", name="Sign in").click()
    window.get_by_role("button", name="Allow").click()


def in_order(names, expected):
    """True when `expected` appear in `names` in this order (others may come between)."""
    rest = iter(names)
    return all(any(name == wanted for name in rest) for wanted in expected)


def expect_success_summary(page):
    result = page.locator("#widget-result")
    expect(result).to_be_visible()
    expect(result.locator("[data-result-field=result]")).to_have_text("success")
    expect(result.locator("[data-result-field=widget]")).to_have_text("add_connection")
    expect(result.locator("[data-result-field=connection_id]")).not_to_be_empty()
    expect(result.get_by_text("The user went through the widget to the end.")).to_be_visible()
    link = result.get_by_role("link", name="Open the whole return page: events and accounts")
    expect(link).to_have_attribute("href", re.compile(r"/playground/return\?.*result=success"))


def test_full_page_mode_is_the_default_and_keyboard_usable(live_app, page_for):
    page = page_for(locale="en-US")
    page.goto(live_app.live_url + "/?lng=en")
    page.get_by_role("button", name="Create a sandbox user").click()
    full, iframe = page.get_by_role("radio", name="Full page"), page.get_by_role("radio", name="Iframe")
    expect(full).to_be_checked()
    full.focus()
    page.keyboard.press("ArrowDown")
    expect(iframe).to_be_checked()
    expect(iframe).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(full).to_be_checked()
    page.get_by_role("button", name="Create the session and open the widget").click()
    expect(page).to_have_url(re.compile(r".*/widget/add_connection\?session_id=.*"))
    connect_to_web_bank(page)
    page.wait_for_url(re.compile(r".*/playground/return\?.*result=success.*"), timeout=30000)
    # Today's full page return: the whole page, events and accounts.
    expect(page.locator("header.topbar")).to_have_count(1)
    expect(page.locator("table.events")).to_contain_text("REDIRECT")
    expect(page.locator("#popup-note")).to_be_hidden()


def test_iframe_mode_logs_the_messages_to_the_end(live_app, page_for):
    page = page_for(locale="en-US")
    start_from_playground(page, live_app, "Iframe", state="frame-state")
    expect(page).to_have_url(re.compile(r".*/playground/embed\?session_id=[^&]+&widget=add_connection"))
    expect(page.get_by_role("heading", name="The widget in an iframe")).to_be_visible()
    expect(page.get_by_text("No messages yet.")).to_be_hidden()  # OPEN came at once
    expect(page.get_by_text("This mode needs JavaScript")).to_be_hidden()
    widget = page.frame_locator(FRAME)
    connect_to_web_bank(widget)
    names = logged_names(page)
    assert names[0] == "OPEN" and names[-1] == "redirect_to", names
    assert in_order(names, ["OPEN", "TERMS_ACCEPTED", "SELECT_PROVIDER", "SUBMIT_CREDENTIALS",
                            "CONNECTION_CREATED", "CONSENT_ACCEPTED", "REDIRECT",
                            "redirect_to"]), " ".join(names)
    expect(page.locator("#message-log li").last).to_contain_text('"status":"success"')
    expect_success_summary(page)
    # The widget moved its own frame to the return page: the result alone, state checked.
    expect(widget.get_by_role("heading", name="Back from the widget")).to_be_visible()
    expect(widget.locator("header.topbar")).to_have_count(0)
    expect(widget.get_by_text("The state matches the one this playground sent.")).to_be_visible()
    expect(widget.get_by_role("link", name="Open the whole return page: events and accounts")
           ).to_have_attribute("target", "_top")
    assert page.url.startswith(live_app.live_url + "/playground/embed?")


def test_iframe_page_ignores_messages_from_other_windows(live_app, page_for):
    page = page_for(locale="en-US")
    start_from_playground(page, live_app, "Iframe")
    log = page.locator("#message-log .event-name")
    expect(log.first).to_have_text("OPEN")
    count = log.count()
    # Same origin, but not the widget's window: dropped.
    page.evaluate("window.postMessage({eventName: 'FORGED', name: 'FORGED'}, '*')")
    page.frame_locator(FRAME).get_by_role("button", name=T["accept"]).click()
    expect(log.filter(has_text="TERMS_ACCEPTED")).to_have_count(1)
    assert "FORGED" not in log.all_text_contents()
    assert log.count() > count


def test_popup_mode_logs_the_messages_to_the_end(live_app, page_for):
    page = page_for(locale="en-US")
    start_from_playground(page, live_app, "Popup")
    expect(page).to_have_url(re.compile(r".*/playground/popup\?session_id=[^&]+&widget=add_connection"))
    popup = open_the_popup(page)
    expect(page.locator("#popup-blocked")).to_be_hidden()
    connect_to_web_bank(popup)
    names = logged_names(page)
    assert names[0] == "OPEN" and names[-1] == "redirect_to", names
    assert in_order(names, ["OPEN", "TERMS_ACCEPTED", "SELECT_PROVIDER", "CONNECTION_CREATED",
                            "CONSENT_ACCEPTED", "REDIRECT", "redirect_to"]), names
    expect_success_summary(page)
    # The popup ends on the return page, which offers to close it.
    popup.wait_for_url(re.compile(r".*/playground/return\?.*result=success.*"), timeout=30000)
    expect(popup.get_by_text("You can close this window.")).to_be_visible()
    with popup.expect_event("close"):
        try:
            popup.get_by_role("button", name="Close this window").click()
        except PlaywrightError as exc:  # the click may not hear back from the page it closed
            if "closed" not in str(exc):
                raise
    assert popup.is_closed()


def test_iframe_mode_with_a_redirect_bank_comes_back_and_resumes(live_app, page_for):
    page = page_for(locale="en-US")
    start_from_playground(page, live_app, "Iframe", state="psd2-state", provider_id="psd2")
    embed_url = page.url
    widget = page.frame_locator(FRAME)
    press(widget, T["accept"])
    # The bank never runs in a frame: its portal takes the whole window.
    widget.get_by_role("button", name="Continue to my bank").click()
    approve_at_the_bank(page)
    # Back on the playground's iframe page (aspsp_callback_uri), with session_id and state.
    page.wait_for_url(re.compile(r".*/playground/embed\?.*"), timeout=30000)
    query = parse_qs(urlsplit(page.url).query)
    assert query["session_id"] == parse_qs(urlsplit(embed_url).query)["session_id"]
    assert query["state"] == ["psd2-state"] and query["widget"] == ["add_connection"]
    expect(page.get_by_text("The widget sent this page back after the bank")).to_be_visible()
    expect(page.get_by_text("The state matches the one this playground sent.")).to_be_visible()
    # The frame resumes where the run stands: after the bank, the consent.
    press(page.frame_locator(FRAME), T["agree"])
    names = logged_names(page)
    # The log was kept across the bank's redirect.
    assert in_order(names, ["OPEN", "TERMS_ACCEPTED", "REDIRECT_TO_PROVIDER",
                            "CONNECTION_CREATED", "CONSENT_ACCEPTED", "REDIRECT",
                            "redirect_to"]), " ".join(names)
    expect_success_summary(page)


def test_popup_mode_with_a_redirect_bank_runs_the_bank_in_the_popup(live_app, page_for):
    page = page_for(locale="en-US")
    start_from_playground(page, live_app, "Popup", provider_id="psd2")
    host_url = page.url
    popup = open_the_popup(page)
    press(popup, T["accept"])
    popup.get_by_role("button", name="Continue to my bank").click()
    approve_at_the_bank(popup)
    # Back in the widget, in the popup; the playground's page never moved.
    press(popup, T["agree"])
    names = logged_names(page)
    assert in_order(names, ["OPEN", "REDIRECT_TO_PROVIDER", "CONNECTION_CREATED",
                            "CONSENT_ACCEPTED", "redirect_to"]), " ".join(names)
    expect_success_summary(page)
    assert page.url == host_url


def test_without_javascript_iframe_mode_offers_a_full_page_link(live_app, page_for):
    page = page_for(javascript=False, locale="en-US")
    page.goto(live_app.live_url + "/?lng=en")
    expect(page.get_by_text("Iframe and popup need JavaScript")).to_be_visible()
    page.get_by_role("button", name="Create a sandbox user").click()
    page.get_by_role("radio", name="Iframe").check()
    page.get_by_role("button", name="Create the session and open the widget").click()
    expect(page.get_by_text("This mode needs JavaScript, which is off.")).to_be_visible()
    expect(page.locator("iframe")).to_have_count(0)
    page.get_by_role("link", name="Open the widget in full page").click()
    expect(page.get_by_role("button", name=T["accept"])).to_be_visible()


def test_a_popup_closed_by_the_user_shows_that_the_user_left(live_app, page_for):
    page = page_for(locale="en-US")
    page.clock.install()  # the SDK looks at the popup twice a second, on this clock
    start_from_playground(page, live_app, "Popup")
    popup = open_the_popup(page)
    popup.close()
    page.clock.run_for(1000)
    result = page.locator("#widget-result")
    expect(result.get_by_text("The user left the widget.")).to_be_visible()
    expect(result.locator("[data-result-field=result]")).to_have_text("cancelled")
    expect(page.locator("#widget-result-title")).to_be_focused()
