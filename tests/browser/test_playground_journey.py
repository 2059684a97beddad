"""The issue's journey end to end: from the playground, through the widget, back to the playground."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_add_connection_journey import TEXTS, press, settled

pytestmark = pytest.mark.browser

PLAYGROUND = {
    "fr": {"create": "Créer un utilisateur du bac à sable", "open": "Créer la session et ouvrir le widget",
           "events": "Événements de la session de widget", "accounts": "Comptes de la connexion"},
    "en": {"create": "Create a sandbox user", "open": "Create the session and open the widget",
           "events": "Events of the widget session", "accounts": "Accounts of connection"},
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_from_playground_to_widget_and_back(live_app, page_for, javascript, lang):
    page = page_for(javascript=javascript, locale="fr-FR" if lang == "fr" else "en-US")
    playground_journey(page, live_app.live_url, javascript, lang)


def playground_journey(page, base_url, javascript, lang):
    """Create a user, open add_connection, connect Banque en Ligne with an SMS code, come back."""
    t, p = TEXTS[lang], PLAYGROUND[lang]
    page.goto(base_url + "/")
    page.get_by_role("button", name=p["create"]).click()
    page.locator("#f-state").fill("my-state-" + lang)
    page.get_by_role("button", name=p["open"]).click()
    # In the widget, as the new user: terms first, then the bank.
    press(page, t["accept"])
    # The new screen's input listens once htmx has settled it (a few ms after it shows).
    expect(page.get_by_label(t["search"])).to_be_visible()
    settled(page)
    page.get_by_label(t["search"]).fill("en ligne")
    if javascript:
        expect(page.locator("#provider-results .provider")).to_have_count(1)
        settled(page)
    else:
        press(page, t["search_button"], exact=True)
    press(page, re.compile("Banque en Ligne"))
    page.get_by_label(t["login"]).fill("otp")
    page.get_by_label(t["password"]).fill("pw-" + lang)
    press(page, t["connect"], exact=True)
    page.get_by_label(t["sms"]).fill("123456")
    press(page, t["confirm"])
    press(page, t["agree"])
    page.wait_for_url(re.compile(r".*/playground/return\?.*result=success.*"), timeout=30000)
    # Back on the playground: result, state, events and the connection's accounts.
    body = page.locator("main")
    expect(body).to_contain_text("my-state-" + lang)
    expect(page.get_by_role("heading", name=p["events"])).to_be_visible()
    for name in ("OPEN", "TERMS_ACCEPTED", "CONNECTION_CREATED", "CONSENT_ACCEPTED", "SYNC_FINISHED", "REDIRECT"):
        expect(page.locator("table.events")).to_contain_text(name)
    expect(page.get_by_role("heading", name=re.compile(p["accounts"]))).to_be_visible()
    assert page.locator("article.account").count() >= 1
