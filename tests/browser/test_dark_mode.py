"""Dark mode and custom colours in real Chromium: the computed colours of each screen read at
4.5:1 in the theme in use, `auto` follows the device, the focus ring keeps its own colours."""
import pytest
import requests
from playwright.sync_api import expect

from tests.browser.contrast_probe import background_luminance, hex_of, unreadable
from tests.browser.declination_journey import DEMO, WEB, start
from tests.browser.page_steps import settled
from tests.client_backend import CLIENT, sandbox_user
from widget.theme import FOCUS_RING, PALETTES

pytestmark = pytest.mark.browser
DARK, LIGHT = PALETTES["dark"], PALETTES["light"]


def computed(page, selector, prop):
    return page.evaluate("([s, p]) => getComputedStyle(document.querySelector(s))[p]",
                         [selector, prop])


def assert_dark_and_readable(page):
    assert background_luminance(page) < 0.02
    assert hex_of(computed(page, "main", "backgroundColor")) == DARK["surface"]
    assert hex_of(computed(page, "#screen h1", "color")) == DARK["text"]
    assert unreadable(page) == []


def test_theme_dark_journey_reads_on_every_screen(live_app, page_for):
    j = start(live_app, page_for, lang="en", theme="dark", select_accounts=True)
    page = j.page
    page.emulate_media(color_scheme="light")  # dark whatever the device says
    j.screen("providers")
    assert_dark_and_readable(page)
    j.pick_bank(WEB)
    j.screen("credentials")
    assert_dark_and_readable(page)
    page.get_by_label(j.t["login"]).fill("slow")  # a sync of about 10 s: time to read it
    page.get_by_label(j.t["password"]).fill("bank-password")
    page.get_by_role("button", name=j.t["connect"], exact=True).click()
    accounts = j.screen("accounts")
    boxes = accounts.locator("input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    assert_dark_and_readable(page)
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    page.get_by_role("button", name=j.t["agree"]).click()  # no account chosen: an error
    expect(page.get_by_text(j.t["none_selected"])).to_be_visible()
    settled(page)
    assert_dark_and_readable(page)
    page.locator("#screen input[type=checkbox]").first.check()
    page.get_by_role("button", name=j.t["agree"]).click()
    j.syncing()
    assert_dark_and_readable(page)
    assert not j.errors, j.errors


def test_theme_dark_channel_dialog_reads(live_app, page_for):
    j = start(live_app, page_for, lang="fr", theme="dark", select_channel=True)
    j.pick_bank(DEMO)
    dialog = j.screen("channel_choice")
    expect(dialog.locator("dialog")).to_be_visible()
    assert hex_of(computed(j.page, "dialog", "backgroundColor")) == DARK["surface"]
    assert_dark_and_readable(j.page)


def test_theme_dark_result_page_reads(live_app, page_for):
    """Without a redirect URL the ending is the widget's own page (here an unknown bank)."""
    user = sandbox_user(live_app, accept_terms=True)
    created = requests.post(live_app.live_url + "/widget_session", auth=CLIENT, timeout=10, data={
        "access_token": user["access_token"], "theme": "dark", "provider_id": "nope"})
    assert created.status_code == 201, created.text
    page = page_for(locale="en-US")
    page.goto(created.json()["_links"]["add_connection"])
    expect(page.locator('[data-screen="result"]')).to_have_count(1)
    assert_dark_and_readable(page)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_auto_follows_the_devices_colour_scheme(live_app, page_for, scheme):
    j = start(live_app, page_for, lang="en")  # theme auto, the default
    j.page.emulate_media(color_scheme=scheme)
    j.screen("providers")
    if scheme == "dark":
        assert_dark_and_readable(j.page)
    else:
        assert hex_of(computed(j.page, "body", "backgroundColor")) == LIGHT["page"]
        assert unreadable(j.page) == []
    j.page.emulate_media(color_scheme="dark" if scheme == "light" else "light")  # switched live
    expect(j.page.locator("body")).to_have_css(
        "background-color", "rgb(15, 18, 22)" if scheme == "light" else "rgb(244, 246, 249)")


def test_theme_light_stays_light_on_a_device_in_dark_mode(live_app, page_for):
    j = start(live_app, page_for, lang="en", theme="light")
    j.page.emulate_media(color_scheme="dark")
    j.screen("providers")
    assert hex_of(computed(j.page, "main", "backgroundColor")) == LIGHT["surface"]
    assert unreadable(j.page) == []


def test_custom_colours_text_on_the_accent_and_the_focus_ring(live_app, page_for):
    """Yellow buttons get black labels; the focus ring ignores the session's colours."""
    j = start(live_app, page_for, lang="en", theme="dark", provider_id="web",
              font_color="#f0f0f0", elements_color="#ffff00")
    page = j.page
    j.screen("credentials")
    connect = page.get_by_role("button", name=j.t["connect"], exact=True)
    expect(connect).to_have_css("background-color", "rgb(255, 255, 0)")
    expect(connect).to_have_css("color", "rgb(0, 0, 0)")
    assert hex_of(computed(page, "#screen h1", "color")) == "#f0f0f0"
    assert unreadable(page) == []
    field = page.get_by_label(j.t["login"])
    for _ in range(10):  # by keyboard, so that :focus-visible applies
        page.keyboard.press("Tab")
        if field.evaluate("(e) => e === document.activeElement"):
            break
    expect(field).to_be_focused()
    ring = field.evaluate("(e) => [getComputedStyle(e).outlineColor, getComputedStyle(e).boxShadow]")
    assert hex_of(ring[0]) == FOCUS_RING["focus-outer"]
    assert hex_of(ring[1]) == FOCUS_RING["focus-inner"]
