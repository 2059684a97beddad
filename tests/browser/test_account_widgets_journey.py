"""professional-account and manage_accounts in Chromium, with and without JavaScript."""
import pytest
import requests
from playwright.sync_api import expect

from tests.browser.page_steps import result_of, settled
from tests.client_backend import connected_user, widget_link

pytestmark = pytest.mark.browser


def test_professional_account_with_a_field_error_then_saved(live_app, page_for, javascript):
    user, connection_id, headers = connected_user(live_app)
    page = page_for(javascript=javascript, locale="en-GB")
    link = widget_link(live_app, user, "professional_account",
                       query={"connection_id": connection_id})
    page.goto(link)
    expect(page.get_by_role("heading", name="Professional accounts")).to_be_visible()
    fieldsets = page.locator("fieldset.pro-account")
    for index in range(1, fieldsets.count()):  # the bank flagged some; they are personal here
        fieldsets.nth(index).get_by_label("Professional account").uncheck()
    first = fieldsets.first
    first.get_by_label("Professional account").check()
    first.get_by_label("Company name").fill("Boulangerie Dupont")
    first.get_by_label("SIREN number").fill("732 829 321")
    page.get_by_role("button", name="Save").click()
    settled(page)
    siren = page.locator("fieldset.pro-account").first.get_by_label("SIREN number")
    expect(siren).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("This SIREN number is not valid: check the digits.")).to_be_visible()
    expect(page.locator("fieldset.pro-account").first.get_by_label("Company name")).to_have_value("Boulangerie Dupont")
    siren.fill("732 829 320")
    page.get_by_role("button", name="Save").click()
    result = result_of(page)
    assert result["result"] == "success" and result["widget"] == "professional_account"
    assert result["connection_id"] == connection_id
    with requests.get(live_app.live_url + "/sandbox/api/v2.1/accounts", headers=headers,
                      params={"connection_id": connection_id}, timeout=10) as listed:
        first_account = listed.json()[0]
    assert first_account["usage"] == "PROFESSIONAL" and first_account["siren"] == "732829320"


def test_manage_accounts_review_then_confirm(live_app, page_for, javascript):
    user, connection_id, headers = connected_user(live_app, login="demo")
    page = page_for(javascript=javascript)
    link = widget_link(live_app, user, "manage_accounts", query={"connection_id": connection_id})
    page.goto(link)
    expect(page.get_by_role("heading", name="Les comptes que vous partagez")).to_be_visible()
    boxes = page.get_by_role("checkbox")
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    page.get_by_role("button", name="Vérifier les changements").click()
    settled(page)
    expect(page.get_by_role("alert")).to_contain_text("Choisissez au moins un compte.")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Vérifier les changements").click()
    settled(page)
    expect(page.get_by_role("heading", name="Vérifiez les changements")).to_be_visible()
    expect(page.get_by_role("heading", name="Vous allez cesser de partager")).to_be_visible()
    if javascript:
        expect(page.get_by_role("button", name="Enregistrer et synchroniser")).to_be_focused()
    page.get_by_role("button", name="Enregistrer et synchroniser").click()
    result = result_of(page)
    assert result["result"] == "success" and result["widget"] == "manage_accounts"
    with requests.get(live_app.live_url + "/sandbox/api/v2.1/accounts", headers=headers,
                      params={"connection_id": connection_id}, timeout=10) as listed:
        statuses = [a["status"] for a in listed.json()]
    assert statuses[0] == "ACTIVE" and set(statuses[1:]) == {"PENDING_CONSENT"}


def test_manage_accounts_of_an_unknown_connection_returns_an_error(live_app, page_for):
    user, _, _ = connected_user(live_app, login="demo")
    page = page_for()
    page.goto(widget_link(live_app, user, "manage_accounts", query={"connection_id": "424242"}))
    result = result_of(page)
    assert result["result"] == "error" and result["error"] == "invalid_connection"
    assert result["widget"] == "manage_accounts"
