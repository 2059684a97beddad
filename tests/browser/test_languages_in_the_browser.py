"""The seven languages in Chromium: the browser's language picks the widget's, and the longer
words (German's above all) and the seven names of the playground's language switch fit a phone."""
import pytest
from playwright.sync_api import expect

from tests.client_backend import sandbox_user, widget_link
from widget.config import LANGUAGES
from widget.i18n import LANGUAGE_NAMES

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SCROLLS_SIDEWAYS = ("() => document.documentElement.scrollWidth"
                    " > document.documentElement.clientWidth")


def test_the_browsers_german_opens_the_widget_in_german(live_app, page_for):
    page = page_for(locale="de-DE")
    page.goto(widget_link(live_app, sandbox_user(live_app, accept_terms=True)))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wählen Sie Ihre Bank")
    page.get_by_role("searchbox").fill("en ligne")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_text("Banque en Ligne")).to_be_visible()


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code not in ("fr", "en")])
def test_credential_and_consent_screens_fit_a_phone(live_app, page_for, lang):
    page = page_for(locale=lang)
    page.set_viewport_size(PHONE)
    user = sandbox_user(live_app, accept_terms=True)
    page.goto(widget_link(live_app, user, provider_id="demo", select_channel="true"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert not page.evaluate(SCROLLS_SIDEWAYS), "channel choice"
    page.goto(widget_link(live_app, user, provider_id="web"))
    expect(page.locator("input[name=login]")).to_be_visible()
    assert not page.evaluate(SCROLLS_SIDEWAYS), "credentials"
    page.goto(widget_link(live_app, user, provider_id="psd2"))
    assert not page.evaluate(SCROLLS_SIDEWAYS), "bank notice"


def test_the_playgrounds_language_switch_fits_a_phone(live_app, page_for):
    page = page_for(locale="de-DE")
    page.set_viewport_size(PHONE)
    page.goto(live_app.live_url + "/")
    switch = page.get_by_role("navigation", name="Sprache")
    for code, name in LANGUAGE_NAMES.items():
        expect(switch.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    switch.get_by_role("link", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("navigation", name="Taal")).to_be_visible()
