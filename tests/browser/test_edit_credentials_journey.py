"""edit_credentials in Chromium: the renewal of an expired access, with and without JavaScript."""
import pytest
from playwright.sync_api import expect

from tests.browser.page_steps import result_of, settled
from tests.client_backend import channel_status, connected_user, expired_connection, widget_link

pytestmark = pytest.mark.browser


def test_an_expired_access_is_renewed_and_synchronised(live_app, page_for, javascript):
    user, connection_id, headers = expired_connection(live_app)
    page = page_for(javascript=javascript)
    link = widget_link(live_app, user, "edit_credentials", query={"connection_id": connection_id})
    page.goto(link)
    expect(page.get_by_role("heading", name="Banque en Ligne")).to_be_visible()
    expect(page.get_by_label("Identifiant")).to_have_value("expired")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    page.get_by_label("Identifiant").fill("demo")
    page.get_by_label("Mot de passe").fill("wrong")
    page.get_by_role("button", name="Se connecter").click()
    settled(page)
    expect(page.get_by_role("alert")).to_contain_text("Votre banque a refusé ces identifiants")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    page.get_by_label("Mot de passe").fill("new-password")
    page.get_by_role("button", name="Se connecter").click()
    result = result_of(page)
    assert result == {"result": "success", "widget": "edit_credentials",
                      "connection_id": connection_id}
    assert channel_status(live_app, headers, connection_id) == "SUCCESS"


def test_an_unknown_connection_goes_back_with_an_error(live_app, page_for):
    user, _, _ = connected_user(live_app, login="demo")
    page = page_for(locale="en-GB")
    page.goto(widget_link(live_app, user, "edit_credentials", query={"connection_id": "31337"}))
    result = result_of(page)
    assert result["result"] == "error" and result["error"] == "invalid_connection"
    assert result["error_description"] == "This connection is not known."
