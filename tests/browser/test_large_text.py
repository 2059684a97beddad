"""Large text (WCAG 1.4.4 and 1.4.10): at 200 % root font size in a 320 px wide window, as on
a phone set to large text, no screen a journey reaches scrolls sideways. In French, whose
headings hold the longest words ("Récupération", "professionnels")."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.declination_journey import PORTAL, TEXTS
from tests.browser.page_steps import TEXTS as STEP_TEXTS
from tests.browser.page_steps import press, settled
from tests.client_backend import bank_connection, connected_user, sandbox_user, widget_link

pytestmark = pytest.mark.browser

T = TEXTS["fr"]
# 200 % of the root font size, then what is wider than the window: the root's scroll width,
# and every element whose box ends past its right edge (one that scrolls inside a region, or
# a dialog in the top layer, would not show in the root's).
MEASURE = """() => {
  const root = document.documentElement;
  root.style.fontSize = "200%";
  const width = root.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      wide.push(element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
                (element.className ? "." + String(element.className).trim().split(/\\s+/).join(".") : "") +
                " right=" + Math.round(box.right));
    }
  }
  return {scroll: root.scrollWidth, client: width, wide: wide.slice(0, 10)};
}"""


class LargeText:
    """A French page 320 px wide, measured at 200 % text on each screen it reaches."""

    def __init__(self, page_for):
        self.page = page_for(locale="fr-FR")
        self.page.set_viewport_size({"width": 320, "height": 640})
        self.seen, self.too_wide = [], []

    def goto(self, url):
        self.page.goto(url)
        return self

    def screen(self, name):
        """Wait for the screen `name`, then measure what is wider than the window."""
        expect(self.page.locator('#screen [data-screen="%s"]' % name)).to_have_count(1)
        settled(self.page)
        found = self.page.evaluate(MEASURE)
        if found["scroll"] > found["client"] or found["wide"]:
            self.too_wide.append((name, found))
        self.seen.append(name)

    def fits(self, *screens):
        """Each of `screens` was measured, and none was wider than the window."""
        assert not self.too_wide, self.too_wide
        assert set(screens) <= set(self.seen), (screens, self.seen)


def test_add_connection_screens(live_app, page_for):
    """Terms, the bank list (long names), the bank's notice, both account checklists, the
    second channel, the credential form, the SMS challenge, the sync and the result page."""
    user = sandbox_user(live_app)
    large = LargeText(page_for).goto(widget_link(live_app, user, redirect_url=None,
                                                 select_accounts="true",
                                                 multiple_channels="true"))
    page = large.page
    large.screen("terms")
    press(page, STEP_TEXTS["fr"]["accept"])
    large.screen("providers")
    page.get_by_label(T["search"]).fill("coopérative")
    expect(page.locator("#provider-results .provider").first).to_contain_text("Coopérative")
    large.screen("providers")
    page.get_by_label(T["search"]).fill("zzzz")
    expect(page.locator("#provider-results .provider")).to_have_count(0)
    large.screen("providers")
    page.get_by_label(T["search"]).fill("Banque Démo")
    expect(page.locator("#provider-results .provider")).to_have_count(1)
    settled(page)
    press(page, "Banque Démo")
    large.screen("bank_notice")
    page.get_by_role("button", name=T["continue"]).click()
    page.locator("#login").fill("demo")
    page.locator("#password").fill("bank-password")
    page.get_by_role("button", name=PORTAL["fr"]["sign_in"]).click()
    page.get_by_role("button", name=PORTAL["fr"]["approve"], exact=True).click()
    large.screen("accounts")
    press(page, T["agree"])
    large.screen("next_channel")
    press(page, T["add"])
    large.screen("credentials")
    page.get_by_label(T["login"]).fill("otp")
    page.get_by_label(T["password"]).fill("bank-password")
    press(page, T["connect"], exact=True)
    large.screen("challenge")
    page.get_by_label(STEP_TEXTS["fr"]["sms"]).fill("123456")
    press(page, STEP_TEXTS["fr"]["confirm"])
    large.screen("accounts")
    press(page, T["agree"])
    large.screen("syncing")
    expect(page.locator('#screen [data-screen="result"]')).to_have_count(1, timeout=30000)
    large.screen("result")
    large.fits("terms", "providers", "bank_notice", "accounts", "next_channel", "credentials",
               "challenge", "syncing", "result")


def test_channel_choice_dialog(live_app, page_for):
    user = sandbox_user(live_app, accept_terms=True)
    large = LargeText(page_for).goto(widget_link(live_app, user, provider_id="demo",
                                                 select_channel="true"))
    expect(large.page.locator("dialog:modal")).to_have_count(1)
    large.screen("channel_choice")
    large.fits("channel_choice")


def test_professional_account_form_and_its_errors(live_app, page_for):
    user, connection_id, _ = connected_user(live_app, login="pro")
    large = LargeText(page_for).goto(widget_link(live_app, user, "professional_account",
                                                 query={"connection_id": connection_id}))
    large.screen("professional_accounts")
    first = large.page.locator("fieldset.pro-account").first
    first.get_by_label("Compte professionnel").check()
    first.get_by_label("Numéro SIREN").fill("732 829 321")
    press(large.page, "Enregistrer")
    expect(large.page.locator(".field-error").first).to_be_visible()
    large.screen("professional_accounts")
    large.fits("professional_accounts")


def test_manage_accounts_and_its_review(live_app, page_for):
    user, connection_id, _ = connected_user(live_app, login="demo")
    large = LargeText(page_for).goto(widget_link(live_app, user, "manage_accounts",
                                                 query={"connection_id": connection_id}))
    large.screen("manage_accounts")
    large.page.get_by_role("checkbox").first.uncheck()
    press(large.page, "Vérifier les changements")
    large.screen("manage_accounts_review")
    large.fits("manage_accounts", "manage_accounts_review")


def test_edit_choice_of_a_two_channel_bank(live_app, page_for):
    user = sandbox_user(live_app, accept_terms=True)
    connection_id = bank_connection(live_app, user, provider="demo", definition="demo-embedded")
    large = LargeText(page_for).goto(widget_link(live_app, user, "edit_credentials",
                                                 query={"connection_id": connection_id}))
    large.screen("edit_choice")
    large.fits("edit_choice")


def test_a_bank_down_and_a_failed_sync(live_app, page_for):
    user = sandbox_user(live_app, accept_terms=True)
    large = LargeText(page_for).goto(widget_link(live_app, user, provider_id="down"))
    large.screen("provider_down")
    large.goto(widget_link(live_app, user, provider_id="web"))
    large.screen("credentials")
    large.page.get_by_label(T["login"]).fill("fail")
    large.page.get_by_label(T["password"]).fill("pw")
    press(large.page, T["connect"], exact=True)
    large.screen("accounts")
    press(large.page, T["agree"])
    expect(large.page.locator('#screen [data-screen="sync_failed"]')).to_have_count(
        1, timeout=30000)
    large.screen("sync_failed")
    large.fits("provider_down", "credentials", "accounts", "sync_failed")


def test_error_pages(live_app, page_for):
    large = LargeText(page_for).goto(live_app.live_url + "/widget/add_connection?session_id=nope")
    large.screen("session_missing")
    large.goto(live_app.live_url + "/widget/nowhere/at/all")
    large.screen("http_error")
    user = sandbox_user(live_app, accept_terms=True)
    large.goto(re.sub(r"/add_connection\?", "/no_such_widget?",
                      widget_link(live_app, user)))
    large.screen("not_found")
    large.fits("session_missing", "http_error", "not_found")
