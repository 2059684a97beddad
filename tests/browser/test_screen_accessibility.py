"""The accessibility audit's findings (issue 12), each in Chromium with JavaScript: the result
page replacing the whole syncing screen, the bank count's live region kept across searches,
focus on the heading after a page load, a visible focus on headings, fields' edges at 3:1,
and the document's title following htmx swaps."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.page_steps import TEXTS, press, settled
from tests.client_backend import sandbox_user, widget_link

pytestmark = pytest.mark.browser

SUFFIX = " · Passerelle"


def contrast(first, second):
    """WCAG's contrast ratio of two `rgb(r, g, b)` colours as getComputedStyle gives them."""
    def luminance(colour):
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_result_replaces_the_whole_syncing_screen(live_app, page_for):
    """Without a redirect URL the widget ends on its own result page, swapped in by the poll
    that sees the sync end: one heading, no spinner, no Exit left, focus on the heading."""
    user = sandbox_user(live_app, accept_terms=True)
    page = page_for(locale="en-US")
    page.goto(widget_link(live_app, user, provider_id="web", redirect_url=None, locale="en"))
    page.get_by_label(TEXTS["en"]["login"]).fill("demo")
    page.get_by_label(TEXTS["en"]["password"]).fill("pw")
    press(page, TEXTS["en"]["connect"], exact=True)
    press(page, TEXTS["en"]["agree"])
    expect(page.locator('#screen [data-screen="syncing"]')).to_have_count(1)
    result = page.locator('#screen > [data-screen="result"]')
    expect(result).to_have_count(1, timeout=30000)
    settled(page)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator('[id="title"]')).to_have_count(1)
    expect(page.locator('[data-screen="syncing"], .spinner')).to_have_count(0)
    expect(page.get_by_role("button", name="Exit")).to_have_count(0)
    expect(result.locator("h1")).to_be_focused()
    expect(page).to_have_title("All done" + SUFFIX)


def test_the_bank_count_region_stays_to_announce_each_search(live_app, page_for):
    """A live region is announced when its content changes, not when it is replaced."""
    user = sandbox_user(live_app, accept_terms=True)
    page = page_for()
    page.goto(widget_link(live_app, user))
    region = page.locator('#screen [role="status"]')
    expect(region).to_have_count(1)
    page.evaluate("window.countRegion = document.querySelector('#screen [role=status]')")
    page.get_by_label(TEXTS["fr"]["search"]).fill("en ligne")
    expect(page.locator("#provider-results .provider")).to_have_count(1)
    settled(page)
    expect(region).to_have_text("1 banque")
    assert page.evaluate("window.countRegion.isConnected && window.countRegion.textContent")\
        == "1 banque"
    page.get_by_label(TEXTS["fr"]["search"]).fill("zzzz")
    expect(region).to_have_text("0 banque")
    assert page.evaluate("window.countRegion.isConnected")


def test_a_page_without_a_first_field_starts_at_its_heading(live_app, page_for):
    """The terms, then (after a whole page load) the bank list: focus is never left on body."""
    user = sandbox_user(live_app)
    page = page_for()
    page.goto(widget_link(live_app, user))
    expect(page.locator('#screen [data-screen="terms"] h1')).to_be_focused()
    user = sandbox_user(live_app, accept_terms=True)
    page.goto(widget_link(live_app, user))
    expect(page.locator('#screen [data-screen="providers"] h1')).to_be_focused()


def test_a_focused_heading_shows_its_focus(live_app, page_for):
    """Enter on the terms' button: the bank list comes in, focus on its heading, visibly."""
    user = sandbox_user(live_app)
    page = page_for()
    page.goto(widget_link(live_app, user))
    page.get_by_role("button", name=TEXTS["fr"]["accept"]).focus()
    page.keyboard.press("Enter")
    heading = page.locator('#screen [data-screen="providers"] h1')
    expect(heading).to_be_focused()
    settled(page)
    style = heading.evaluate("h => { const s = getComputedStyle(h);"
                             " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 2, style


def test_a_field_stands_out_from_the_page(live_app, page_for):
    """WCAG 1.4.11: a text field's edge at 3:1 at least against the screen's background."""
    user = sandbox_user(live_app, accept_terms=True)
    page = page_for()
    page.goto(widget_link(live_app, user))
    field = page.get_by_label(TEXTS["fr"]["search"])
    border = field.evaluate("f => getComputedStyle(f).borderTopColor")
    background = page.locator("#screen").evaluate("m => getComputedStyle(m).backgroundColor")
    assert contrast(border, background) >= 3, (border, background)


@pytest.mark.parametrize("lang, terms, providers", [
    ("fr", "Conditions générales d’utilisation", "Choisissez votre banque"),
    ("en", "Terms of service", "Choose your bank"),
])
def test_the_title_follows_the_screens_swapped_in(live_app, page_for, lang, terms, providers):
    user = sandbox_user(live_app)
    page = page_for(locale="fr-FR" if lang == "fr" else "en-US")
    page.goto(widget_link(live_app, user, locale=lang))
    expect(page).to_have_title(terms + SUFFIX)
    press(page, TEXTS[lang]["accept"])
    expect(page).to_have_title(providers + SUFFIX)
    # A search refreshes part of the same screen: the title stays.
    page.get_by_label(TEXTS[lang]["search"]).fill("en ligne")
    expect(page.locator("#provider-results .provider")).to_have_count(1)
    settled(page)
    expect(page).to_have_title(providers + SUFFIX)
    press(page, re.compile("Banque en Ligne"))
    expect(page).to_have_title(re.compile(r"Banque en Ligne" + re.escape(SUFFIX) + "$"))
