"""Issue 13 parts 5 and 6 in Chromium: a bank the user is already connected to (update it, or
add another with allow_duplicates), and a bank reported disrupted or down, by keyboard."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.page_steps import TEXTS, press, result_of, settled
from tests.client_backend import connected_user, connections, widget_link

pytestmark = pytest.mark.browser
T = TEXTS["fr"]


def bank_button(page, name):
    return page.locator("#provider-results .provider").filter(has_text=name)


def test_the_user_updates_the_connection_they_have(live_app, page_for, javascript):
    user, existing, _ = connected_user(live_app, login="demo")
    page = page_for(javascript=javascript)
    page.goto(widget_link(live_app, user))
    bank_button(page, "Banque en Ligne").focus()
    page.keyboard.press("Enter")
    settled(page)
    heading = page.get_by_role("heading", name="Vous êtes déjà connecté à Banque en Ligne")
    expect(heading).to_be_visible()
    expect(page).to_have_title(re.compile("Vous êtes déjà connecté à Banque en Ligne"))
    expect(page.get_by_role("button", name="Ajouter quand même une autre connexion")).to_have_count(0)
    update = page.get_by_role("button", name="Mettre à jour ma connexion")
    expect(update).to_be_focused()  # autofocus, or the swap's focus: Enter is the next key
    page.keyboard.press("Enter")
    settled(page)
    expect(page.get_by_label(T["login"])).to_have_value("demo")  # the login, filled in
    page.get_by_label(T["password"]).fill("new-password")
    page.get_by_label(T["password"]).press("Enter")
    result = result_of(page)
    assert result["result"] == "success" and result["connection_id"] == existing
    assert [c["id"] for c in connections(live_app, user)] == [existing]


def test_with_allow_duplicates_the_user_adds_another_at_a_disrupted_bank(live_app, page_for):
    live_app.config["SANDBOX_PROVIDER_STATUS"] = {"web": "DEGRADED"}
    user, existing, _ = connected_user(live_app, login="demo")
    page = page_for(javascript=True)
    page.goto(widget_link(live_app, user, allow_duplicates="true"))
    expect(bank_button(page, "Banque Panne")).to_contain_text("Indisponible")
    expect(page.get_by_role("button", name=re.compile("Banque en Ligne.*Perturbée"))).to_be_visible()
    bank_button(page, "Banque en Ligne").focus()
    page.keyboard.press("Enter")
    settled(page)
    expect(page.locator("#provider-status")).to_contain_text("Service perturbé")
    page.keyboard.press("Tab")  # from "update" to "add another"
    add = page.get_by_role("button", name="Ajouter quand même une autre connexion")
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    settled(page)
    expect(page.locator("#provider-status")).to_contain_text("Service perturbé")
    page.get_by_label(T["login"]).fill("demo")
    page.get_by_label(T["password"]).fill("pw")
    press(page, T["connect"], exact=True)
    press(page, T["agree"])
    result = result_of(page)
    assert result["result"] == "success" and result["connection_id"] != existing
    assert len(connections(live_app, user)) == 2


def test_a_bank_down_says_so_and_offers_another(live_app, page_for, javascript):
    user, _, _ = connected_user(live_app, login="demo")
    page = page_for(javascript=javascript)
    page.goto(widget_link(live_app, user))
    press(page, re.compile("Banque Panne.*Indisponible"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cette banque est injoignable pour le moment")
    press(page, "Choisir une autre banque")
    expect(bank_button(page, "Banque Démo")).to_be_visible()
