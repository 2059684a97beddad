"""The playground's Connections section in Chromium: a connection made through the widget is
listed with its accounts, its status follows a sync without a reload, and the widgets that take
a connection open from it, in an iframe and in full page (with and without JavaScript)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.page_steps import settled
from tests.browser.playground_steps import (FRAME, connect_to_web_bank, logged_names,
                                            start_from_playground)
from tests.client_backend import connected_user, expired_connection

pytestmark = pytest.mark.browser


def the_card(page):
    """The one connection listed (re-found after every swap of the list)."""
    return page.locator("#connections article.connection")


def sign_in(page, app, user):
    page.goto(app.live_url + "/?lng=en")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("p.signed-in")).to_contain_text(user["email"])


def open_widget(page, widget, mode):
    card = the_card(page)
    card.get_by_label("Widget to open").select_option(widget)
    card.get_by_role("radio", name=mode, exact=True).check()
    card.get_by_role("button", name="Open the widget").click()


def test_a_new_connection_is_listed_and_follows_its_sync_without_a_reload(live_app, page_for):
    page = page_for(locale="en-US")
    start_from_playground(page, live_app, "Full page")
    connect_to_web_bank(page)
    page.wait_for_url(re.compile(r".*/playground/return\?.*result=success.*"), timeout=30000)
    page.get_by_role("link", name="Back to the playground").click()
    card = the_card(page)
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading", name="Banque en Ligne")).to_be_visible()
    expect(card.locator(".channel-status")).to_have_text("Working SUCCESS")
    accounts = card.locator("table.connection-accounts tbody tr")
    expect(accounts).to_have_count(4)
    expect(accounts.first).to_contain_text("Shared ACTIVE")
    expect(accounts.first).to_contain_text("Personal PERSONAL")
    expect(card.locator(".connection-status")).to_contain_text("SUCCESS", timeout=20000)
    expect(card.locator("time")).to_have_count(1)  # the last sync's date

    reloads = []
    page.on("framenavigated",
            lambda frame: reloads.append(frame.url) if frame == page.main_frame else None)
    synchronise = card.get_by_role("button", name="Synchronise")
    synchronise.click()
    expect(card.locator(".connection-status")).to_contain_text("Synchronising RUNNING")
    expect(page.locator("#connections-list")).to_have_attribute("hx-trigger", "every 3s")
    expect(page.locator("#connections-live")).to_contain_text(
        re.compile(r"Synchronisation of connection \w+ started\."))
    # A choice being made in the connection's form survives the polls, and so does the focus.
    settled(page)
    card.get_by_label("Widget to open").select_option("user_input")
    iframe = card.get_by_role("radio", name="Iframe")
    iframe.check()
    expect(card.locator(".connection-status")).to_contain_text("Synchronised SUCCESS",
                                                               timeout=20000)
    expect(page.locator("#connections-live")).to_have_text("Banque en Ligne: Synchronised.")
    expect(page.locator("#connections-list")).not_to_have_attribute("hx-trigger",
                                                                    re.compile(".*"))
    expect(card.get_by_label("Widget to open")).to_have_value("user_input")
    expect(iframe).to_be_checked()
    expect(iframe).to_be_focused()
    assert reloads == []


def test_manage_accounts_in_an_iframe_then_back_to_the_list(live_app, page_for):
    user, connection_id, _ = connected_user(live_app, login="demo")
    page = page_for(locale="en-US")
    sign_in(page, live_app, user)
    expect(the_card(page).locator("table.connection-accounts")).not_to_contain_text(
        "PENDING_CONSENT")
    open_widget(page, "manage_accounts", "Iframe")
    expect(page).to_have_url(re.compile(
        r".*/playground/embed\?session_id=[^&]+&widget=manage_accounts&lng=en&connection_id=%s$"
        % connection_id))
    widget = page.frame_locator(FRAME)
    expect(widget.get_by_role("heading", name="The accounts you share")).to_be_visible()
    boxes = widget.get_by_role("checkbox")
    for index in range(1, boxes.count()):
        boxes.nth(index).uncheck()
    widget.get_by_role("button", name="Review the changes").click()
    settled(widget)
    widget.get_by_role("button", name="Save and synchronise").click()
    names = logged_names(page)
    assert names[0] == "OPEN" and "ACCOUNTS_UPDATED" in names, names
    result = page.locator("#widget-result")
    expect(result.locator("[data-result-field=result]")).to_have_text("success")
    expect(result.locator("[data-result-field=widget]")).to_have_text("manage_accounts")
    expect(result.locator("[data-result-field=connection_id]")).to_have_text(connection_id)
    page.get_by_role("link", name="Back to the playground").click()
    rows = the_card(page).locator("table.connection-accounts tbody tr")
    expect(rows.first).to_contain_text("Shared ACTIVE")
    expect(rows.filter(has_text="Waiting for consent PENDING_CONSENT")).to_have_count(
        rows.count() - 1)
    # The sync manage_accounts started is followed to its end.
    expect(the_card(page).locator(".connection-status")).to_contain_text("SUCCESS",
                                                                         timeout=20000)


def test_edit_credentials_in_full_page_renews_an_expired_access(live_app, page_for, javascript):
    user, connection_id, _ = expired_connection(live_app)
    page = page_for(javascript=javascript, locale="en-US")
    sign_in(page, live_app, user)
    card = the_card(page)
    expect(card.locator(".channel-status")).to_have_text("Access expired: to renew TOKEN_EXPIRED")
    # The Client cannot synchronise it: the page says why, and what would unblock it.
    card.get_by_role("button", name="Synchronise").click()
    expect(page.locator("p.message-error", has_text="This connection cannot synchronise now")
           ).to_be_visible()
    if javascript:
        settled(page)
    open_widget(page, "edit_credentials", "Full page")
    expect(page).to_have_url(re.compile(
        r".*/widget/edit_credentials\?session_id=[^&]+&connection_id=%s$" % connection_id))
    expect(page.get_by_role("heading", name="Banque en Ligne")).to_be_visible()
    expect(page.get_by_label("Login")).to_have_value("expired")
    page.get_by_label("Login").fill("demo")
    page.get_by_label("Password").fill("new-password")
    page.get_by_role("button", name="Connect", exact=True).click()
    page.wait_for_url(re.compile(r".*/playground/return\?.*result=success.*"), timeout=30000)
    expect(page.locator("dl.returned")).to_contain_text("edit_credentials")
    page.get_by_role("link", name="Back to the playground").click()
    card = the_card(page)
    expect(card.locator(".channel-status")).not_to_contain_text("TOKEN_EXPIRED")
    expect(card.locator("td").filter(has_text=re.compile(r"^demo$"))).to_have_count(1)
    if javascript:  # the renewal's sync, followed without a reload
        expect(card.locator(".connection-status")).to_contain_text("Synchronised SUCCESS",
                                                                   timeout=20000)
    else:  # the Refresh link reloads the section's page
        page.get_by_role("link", name="Refresh").click()
        expect(page).to_have_url(re.compile(r".*/playground/connections\?lng=en#connections-title$"))
        expect(the_card(page).get_by_role("heading", name="Banque en Ligne")).to_be_visible()
