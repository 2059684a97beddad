"""The bank list in a real browser, with and without JavaScript: the popular banks first with
their logos (which the page's CSP lets load) or letters, and a search blind to accents."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.page_steps import TEXTS, press, settled
from tests.client_backend import sandbox_user, widget_link
from widget.sandbox import provider_index
from widget.sandbox.db import connect, ensure_database
from widget.sandbox.providers import fold

pytestmark = pytest.mark.browser


def add_bank(app, provider_id, name, city, country="FR", rank=40):
    ensure_database(app.config["SANDBOX_DATABASE"])  # made on first use: maybe not yet
    db = connect(app.config["SANDBOX_DATABASE"])
    try:
        db.execute("BEGIN")
        provider_index.add_many(db, [(provider_id, name, city, fold(name),
                                      fold(f"{name} {city}"), 1, country, rank, None)])
        db.execute("COMMIT")
    finally:
        db.close()


def test_popular_banks_logos_and_an_accent_blind_search(live_app, page_for, javascript):
    t = TEXTS["fr"]
    add_bank(live_app, "sg", "Société Générale", "Paris")
    page = page_for(javascript=javascript)
    refused = []  # what the CSP blocked, and logos that failed to load
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("response", lambda response: refused.append(response.url)
            if "/logos/" in response.url and response.status != 200 else None)
    page.goto(widget_link(live_app, sandbox_user(live_app, accept_terms=True)))
    banks = page.locator("#provider-results .provider")
    expect(banks.first).to_contain_text("Banque Démo")
    assert banks.nth(2).inner_text().startswith("Banque en Ligne")
    logo = banks.first.locator("img.logo")
    expect(logo).to_have_attribute("alt", "")
    # The first screen's logos load: the CSP allows them and the sandbox serves them.
    page.wait_for_function("""() => [...document.querySelectorAll("#provider-results img.logo")]
        .slice(0, 5).every(img => img.complete && img.naturalWidth > 0)""")
    expect(page.locator("#provider-results .avatar").first).to_be_visible()
    page.get_by_label(t["search"]).fill("societe generale")
    if javascript:  # live search: the list narrows without submitting
        expect(banks).to_have_count(1)
        settled(page)
    else:
        press(page, t["search_button"], exact=True)
        assert re.search(r"[?&]q=societe\+generale", page.url)
    expect(banks).to_have_count(1)
    expect(banks.first).to_contain_text("Société Générale")
    expect(banks.first.locator(".avatar")).to_have_text("S")
    assert refused == []
