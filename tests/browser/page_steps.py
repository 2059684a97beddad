"""What a person does in a page of the widget, and what the tests wait for: htmx settled, a
button pressed (by its name, or its place on the screen), fields filled, the bank list searched,
the Client's return page reached; the widget's texts in fr and en."""
import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

TEXTS = {
    "fr": {"accept": "J’accepte les conditions", "search": "Rechercher une banque",
           "connect": "Se connecter", "login": "Identifiant", "password": "Mot de passe",
           "sms": "Code reçu par SMS", "confirm": "Valider", "agree": "J’accepte et je continue",
           "search_button": "Rechercher", "refused": "Votre banque a refusé ces identifiants"},
    "en": {"accept": "I accept the terms", "search": "Search for a bank", "connect": "Connect",
           "login": "Login", "password": "Password", "sms": "Code received by SMS",
           "confirm": "Confirm", "agree": "I agree and continue", "search_button": "Search",
           "refused": "Your bank refused these credentials"},
}


def result_of(page):
    """The query the widget sent the user back to the playground's return page with."""
    page.wait_for_url(re.compile(r".*/playground/return\?.*"), timeout=30000)
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def settled(page):
    """Wait until htmx has no request, swap or settle under way (a person is never that fast)."""
    busy = page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    expect(busy).to_have_count(0)
    return page


def press(page, role_name, **kwargs):
    page.get_by_role("button", name=role_name, **kwargs).click()
    settled(page)


def click(page, selector):
    """Press the button `selector` finds on the screen; wait for htmx to settle."""
    page.locator("#screen").locator(selector).click()
    settled(page)


def fill(page, **values):
    """Type `values` in the screen's fields, each found by its name."""
    for name, value in values.items():
        page.locator('#screen [name="%s"]' % name).fill(value)


def search_banks(page, words, count=None, first=None):
    """Type in the bank search; wait for its live results: `count` of them, or the `first`."""
    page.locator("#q").fill(words)
    results = page.locator("#provider-results .provider")
    if count is not None:
        expect(results).to_have_count(count)
    if first is not None:
        expect(results.first).to_contain_text(first)
    settled(page)
