"""The walking skeleton's journey in a real browser, with and without JavaScript, in fr and en."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.page_steps import TEXTS, press, result_of, settled
from tests.client_backend import sandbox_user, widget_link

pytestmark = pytest.mark.browser


def assert_focus_on_new_screen(page, javascript):
    if javascript:  # after an htmx swap, focus lands on the new content
        expect(page.locator("#screen :focus")).to_have_count(1)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_whole_journey(live_app, page_for, javascript, lang):
    t = TEXTS[lang]
    user = sandbox_user(live_app)
    link = widget_link(live_app, user, state="st-" + lang)
    if lang == "en":
        link += "&lng=en"
    page = page_for(javascript=javascript)
    page.goto(link)
    press(page, t["accept"])
    page.get_by_label(t["search"]).fill("en ligne")
    if javascript:  # live search: the list narrows without submitting
        expect(page.locator("#provider-results .provider")).to_have_count(1)
        settled(page)
    else:
        press(page, t["search_button"], exact=True)
    assert page.locator("#provider-results .provider").count() == 1
    press(page, re.compile("Banque en Ligne"))
    page.get_by_label(t["login"]).fill("otp")
    page.get_by_label(t["password"]).fill("secret-pw")
    press(page, t["connect"], exact=True)
    page.get_by_label(t["sms"]).fill("123456")
    assert_focus_on_new_screen(page, javascript)
    press(page, t["confirm"])
    press(page, t["agree"])
    # The loading screen announces its progress to screen readers.
    page.locator("#sync-progress[role=status][aria-live=polite]").wait_for()
    params = result_of(page)
    assert params["result"] == "success" and params["state"] == "st-" + lang
    assert params["widget"] == "add_connection" and params["connection_id"]


def test_wrong_password_then_retry(live_app, page_for, javascript):
    t = TEXTS["fr"]
    user = sandbox_user(live_app, accept_terms=True)
    page = page_for(javascript=javascript)
    page.goto(widget_link(live_app, user, provider_id="web"))
    page.get_by_label(t["login"]).fill("demo")
    page.get_by_label(t["password"]).fill("wrong")
    press(page, t["connect"], exact=True)
    page.get_by_role("alert").filter(has_text=t["refused"]).wait_for()
    assert page.get_by_label(t["login"]).input_value() == "demo"
    assert page.get_by_label(t["password"]).input_value() == ""
    page.get_by_label(t["password"]).fill("good-pw")
    press(page, t["connect"], exact=True)
    press(page, t["agree"])
    assert result_of(page)["result"] == "success"


def test_keyboard_only(live_app, page_for):
    t = TEXTS["en"]
    user = sandbox_user(live_app, accept_terms=True)
    page = page_for(javascript=True, locale="en-US")
    page.goto(widget_link(live_app, user, provider_id="web"))
    page.get_by_label(t["login"]).wait_for()
    expect(page.locator("#field-login")).to_be_focused()  # autofocus
    page.keyboard.type("demo")
    page.keyboard.press("Tab")
    page.keyboard.type("pw")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=t["agree"]).wait_for()
    settled(page)
    assert_focus_on_new_screen(page, True)
    page.get_by_role("button", name=t["agree"]).focus()
    # The focus ring is visible: an outline is drawn on the focused button.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert result_of(page)["result"] == "success"
