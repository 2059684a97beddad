"""add_connection's documented examples and declinations, screen by screen, in a real browser.

The public documentation (seeds/000_*.txt, "Exemples" and "(Declination)") and DESIGN.md
sections 4-7 are the contract: each test follows one of those journeys from the widget link to
the Client's redirect URL, asserting every screen on the way (its data-screen and heading).
Test banks: demo = Banque Démo (REDIRECT demo-redirect, then EMBEDDED demo-embedded),
web = Banque en Ligne (EMBEDDED), psd2 = Banque Directe (REDIRECT).
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.declination_journey import DEMO, DIRECT, SYNC_TIMEOUT, WEB, start
from tests.browser.page_steps import press, settled

pytestmark = pytest.mark.browser


def checkboxes(section):
    return section.locator('input[type="checkbox"][name="account_id"]')


def values_of(boxes):
    return [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]


def tab_to(page, target, limit=30):
    """Press Tab until `target` has the focus (keyboard only: no click, no focus())."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.and_(page.locator(":focus")).count():
            return
    raise AssertionError("Tab never reached %s" % target)


# 1. Example: the REDIRECT channel is selected (in French and in English).
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_redirect_channel_from_the_list(live_app, page_for, javascript, lang):
    j = start(live_app, page_for, lang=lang, javascript=javascript)
    j.pick_bank(DIRECT)
    j.bank_notice_to_portal(DIRECT)
    j.portal_login("demo")
    j.back_from_bank(DIRECT)
    j.consent(DIRECT, swapped=False)
    j.syncing()
    j.returned()
    events = j.events()
    for name in ("SELECT_PROVIDER", "SELECT_CHANNEL", "REDIRECT_TO_PROVIDER", "PROVIDER_CALLBACK",
                 "CONNECTION_CREATED", "CONSENT_ACCEPTED", "SYNC_STARTED", "SYNC_FINISHED", "REDIRECT"):
        assert name in events, (name, events)
    assert events.index("REDIRECT_TO_PROVIDER") < events.index("PROVIDER_CALLBACK") \
        < events.index("CONNECTION_CREATED") < events.index("CONSENT_ACCEPTED")


def test_redirect_channel_denied_at_the_bank(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript)
    j.pick_bank(DIRECT)
    j.bank_notice_to_portal(DIRECT)
    j.portal_login("demo", decision="deny")
    params = j.returned("error", error="bank_denied")
    assert params["error_description"] == "La connexion a été refusée par la banque."
    assert "connection_id" not in params


# 2. Example: the EMBEDDED channel is selected.
def test_embedded_channel_from_the_list(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript)
    j.pick_bank(WEB)
    j.credentials(WEB)
    j.consent(WEB)
    j.syncing()
    j.returned()


def test_syncing_screen_polls_and_shows_progress(live_app, page_for, javascript):
    """A slow sync (login `slow`, about 10 s): the loading screen polls and shows its steps."""
    j = start(live_app, page_for, javascript=javascript, provider_id="web")
    j.credentials(WEB, login="slow")
    j.consent(WEB)
    j.syncing()
    progress = j.page.locator("#sync-detail progress[max='3']")
    expect(progress).to_have_count(1, timeout=SYNC_TIMEOUT)
    expect(j.page.locator("#sync-detail")).to_contain_text(re.compile(r"Étape [123] sur 3"))
    expect(j.page.locator('#screen [data-screen="syncing"] h1')).to_have_text(j.t["syncing"])
    if javascript:  # a poll refreshes the progress only: the focus stays where it was
        expect(j.page.locator("#screen h1")).to_be_focused()
    j.returned()


# 3. Declination: skip the provider list; REDIRECT is prioritized.
def test_skip_provider_list_redirect_first(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript, provider_id="demo")
    notice = j.screen("bank_notice", DEMO)  # the first screen: no provider list, no way back to one
    expect(notice.get_by_role("button", name=j.t["another_bank"])).to_have_count(0)
    j.bank_notice_to_portal(DEMO)
    j.portal_login("demo")
    j.back_from_bank(DEMO)
    j.consent(DEMO, swapped=False)
    j.syncing()
    j.returned()


def test_skip_provider_list_invalid_provider(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript, provider_id="no-such-bank")
    params = j.returned("error", error="invalid_provider")
    assert params["error_description"] == "Cette banque n’est pas connue."
    assert "connection_id" not in params


# 4. Declination: skip the provider list and force the channel definition.
def test_forced_embedded_channel(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript, provider_id="demo",
              channel_definition_id="demo-embedded")
    form = j.screen("credentials", DEMO)  # the first screen: neither the list nor the bank's notice
    expect(form.get_by_role("button", name=j.t["another_bank"])).to_have_count(0)
    j.credentials(DEMO)
    j.consent(DEMO)
    j.syncing()
    j.returned()


def test_forced_channel_of_another_bank(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript, provider_id="demo",
              channel_definition_id="psd2-redirect")
    params = j.returned("error", error="invalid_channel")
    assert params["error_description"] == "Ce mode de connexion n’est pas disponible pour cette banque."
    assert "connection_id" not in params


# 5. Declination: let the user choose the channel definition (select_channel).
def open_channel_dialog(j):
    """Banque Démo from the list: the choice opens as a modal dialog (a plain page without JS)."""
    t, page = j.t, j.page
    j.pick_bank(DEMO)
    section = j.screen("channel_choice")
    expect(section.locator("#bank-name")).to_have_text(DEMO)
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h1")).to_have_text(t["choice_title"])
    payment = dialog.get_by_role("button", name=t["payment"])
    savings = dialog.get_by_role("button", name=t["savings"])
    expect(payment).to_be_visible()
    expect(savings).to_be_visible()
    if j.javascript:
        expect(page.get_by_role("dialog", name=t["choice_title"])).to_be_visible()
        expect(page.locator("dialog:modal")).to_have_count(1)
        expect(dialog.locator(":focus")).to_have_count(1)
        expect(payment).to_be_focused()
    else:
        expect(page.locator("dialog:modal")).to_have_count(0)
    return dialog, payment, savings


def test_select_channel_savings_by_keyboard(live_app, page_for):
    j = start(live_app, page_for, select_channel=True)
    _, payment, savings = open_channel_dialog(j)
    j.page.keyboard.press("Tab")
    expect(savings).to_be_focused()
    j.page.keyboard.press("Shift+Tab")
    expect(payment).to_be_focused()
    j.page.keyboard.press("Tab")
    expect(savings).to_be_focused()
    j.page.keyboard.press("Enter")
    expect(j.page.locator("dialog")).to_have_count(0)
    j.credentials(DEMO)
    j.consent(DEMO)
    j.syncing()
    j.returned()


def test_select_channel_payment_goes_to_the_bank(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript, select_channel=True)
    _, payment, _ = open_channel_dialog(j)
    payment.click()
    settled(j.page)
    j.bank_notice_to_portal(DEMO)
    j.portal_login("demo")
    j.back_from_bank(DEMO)
    j.consent(DEMO, swapped=False)
    j.syncing()
    j.returned()


def test_select_channel_savings_without_javascript(live_app, page_for):
    j = start(live_app, page_for, javascript=False, select_channel=True)
    _, _, savings = open_channel_dialog(j)
    savings.click()
    j.credentials(DEMO)
    j.consent(DEMO)
    j.syncing()
    j.returned()


def test_select_channel_escape_goes_back_to_the_list(live_app, page_for):
    j = start(live_app, page_for, select_channel=True)
    open_channel_dialog(j)
    j.page.keyboard.press("Escape")
    j.screen("providers", j.t["choose_bank"])
    expect(j.page.locator("dialog")).to_have_count(0)
    j.focus_moved()
    # The list works again: the same bank, the same dialog.
    open_channel_dialog(j)
    assert not j.errors, j.errors


def test_select_channel_back_to_the_list_without_javascript(live_app, page_for):
    j = start(live_app, page_for, javascript=False, select_channel=True)
    dialog, _, _ = open_channel_dialog(j)
    dialog.get_by_role("button", name=j.t["another_bank"]).click()
    j.screen("providers", j.t["choose_bank"])
    expect(j.page.locator("dialog")).to_have_count(0)


def test_select_channel_with_forced_provider_escape_never_exits(live_app, page_for):
    """provider_id + select_channel: the dialog is modal from the page load. With no bank list
    to go back to, Escape closes it into the plain page, where the choice stays (it used to
    trigger Exit: one key lost the user's work)."""
    j = start(live_app, page_for, provider_id="demo", select_channel=True)
    j.screen("channel_choice")
    dialog = j.page.locator("dialog")
    expect(j.page.locator("dialog:modal")).to_have_count(1)
    expect(dialog.get_by_role("button", name=j.t["payment"])).to_be_focused()
    expect(dialog.get_by_role("button", name=j.t["another_bank"])).to_have_count(0)
    j.page.keyboard.press("Escape")
    expect(j.page.locator("dialog:modal")).to_have_count(0)
    expect(dialog.locator("h1")).to_be_focused()
    expect(dialog.get_by_role("button", name=j.t["savings"])).to_be_visible()
    j.page.keyboard.press("Escape")  # again, on the plain page: still nothing lost
    j.screen("channel_choice")
    assert "EXIT" not in j.events()
    dialog.get_by_role("button", name=j.t["savings"]).click()
    j.credentials(DEMO)
    j.consent(DEMO)
    j.syncing()
    j.returned()


# 6. Declination: use all channels (multiple_channels).
@pytest.mark.parametrize("accept", [True, False], ids=["add-second", "not-now"])
def test_multiple_channels(live_app, page_for, javascript, accept):
    j = start(live_app, page_for, javascript=javascript, multiple_channels=True)
    j.pick_bank(DEMO)
    j.bank_notice_to_portal(DEMO)  # REDIRECT first
    j.portal_login("demo")
    j.back_from_bank(DEMO)
    j.consent(DEMO, swapped=False)
    j.next_channel(DEMO, accept=accept)
    if accept:
        j.credentials(DEMO)  # the EMBEDDED channel's form
        j.consent(DEMO)
    j.syncing()
    params = j.returned()
    types = sorted(a["type"] for a in j.accounts_in_api(params["connection_id"]).values())
    expected = {"CHECKINGS", "CREDIT_CARD"} | ({"SAVINGS", "LOAN"} if accept else set())
    assert set(types) == expected, types
    events = j.events()
    assert events.count("CONSENT_ACCEPTED") == (2 if accept else 1), events
    assert ("CHANNEL_ADDED" in events) == accept, events
    assert events.count("CONNECTION_CREATED") == 1, events


@pytest.mark.parametrize("decision", ["approve", "deny"])
def test_select_channel_savings_first_then_the_bank(live_app, page_for, javascript, decision):
    """select_channel + multiple_channels: the user's choice first, then the other channel, here
    the REDIRECT one as a second channel (a refusal at the bank offers it again, or to skip)."""
    j = start(live_app, page_for, javascript=javascript, select_channel=True, multiple_channels=True)
    _, _, savings = open_channel_dialog(j)
    savings.click()
    j.credentials(DEMO)
    j.consent(DEMO)
    section = j.screen("next_channel", j.t["next_channel"] % DEMO)
    expect(section).to_contain_text("carte" if j.lang == "fr" else "card")
    press(j.page, j.t["add"])
    j.bank_notice_to_portal(DEMO)
    j.portal_login("demo", decision=decision)
    if decision == "approve":
        j.back_from_bank(DEMO)
        j.consent(DEMO, swapped=False)
    else:
        section = j.screen("next_channel", j.t["next_channel"] % DEMO)
        expect(section.get_by_role("alert")).to_have_text(
            "Votre banque n'a pas approuvé cette connexion. Vous pouvez réessayer ou passer cette étape.")
        press(j.page, j.t["not_now"])
    j.syncing()
    params = j.returned()
    types = {a["type"] for a in j.accounts_in_api(params["connection_id"]).values()}
    assert types == {"SAVINGS", "LOAN"} | ({"CHECKINGS", "CREDIT_CARD"} if decision == "approve" else set())


# 7. Declination: use all channels and select accounts.
def choose_accounts(j, keep):
    """The checklist: uncheck all and submit (error), then check the `keep` first ones. The ids
    (checked, unchecked)."""
    t, page = j.t, j.page
    section = j.screen("accounts", t["accounts"] % DEMO)
    expect(section.get_by_role("group", name=t["choose_accounts"])).to_be_visible()
    boxes = checkboxes(section)
    assert boxes.count() >= 2
    ids = values_of(boxes)
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()  # all of them by default
        boxes.nth(i).uncheck()
    press(page, t["agree"])
    section = j.screen("accounts", t["accounts"] % DEMO)
    expect(section.get_by_role("alert")).to_have_text(t["none_selected"])
    boxes = checkboxes(section)
    assert values_of(boxes) == ids
    for i in range(boxes.count()):
        expect(boxes.nth(i)).not_to_be_checked()
    for i in range(keep):
        boxes.nth(i).check()
    press(page, t["agree"])
    return ids[:keep], ids[keep:]


def test_multiple_channels_and_select_accounts(live_app, page_for, javascript):
    j = start(live_app, page_for, javascript=javascript, multiple_channels=True,
              select_accounts=True)
    j.pick_bank(DEMO)
    j.bank_notice_to_portal(DEMO)
    j.portal_login("demo")
    j.back_from_bank(DEMO, select=True)
    checked_1, unchecked_1 = choose_accounts(j, keep=1)
    j.next_channel(DEMO, accept=True)
    j.credentials(DEMO)
    checked_2, unchecked_2 = choose_accounts(j, keep=1)
    assert not set(checked_1 + unchecked_1) & set(checked_2 + unchecked_2)  # each channel's own
    j.syncing()
    params = j.returned()
    accounts = j.accounts_in_api(params["connection_id"])
    assert set(accounts) == set(checked_1 + unchecked_1 + checked_2 + unchecked_2)
    for account_id in checked_1 + checked_2:
        assert accounts[account_id]["status"] == "ACTIVE", accounts[account_id]
    for account_id in unchecked_1 + unchecked_2:
        assert accounts[account_id]["status"] == "PENDING_CONSENT", accounts[account_id]
    events = j.events()
    assert events.count("SELECT_ACCOUNTS") == 2 and "CHANNEL_ADDED" in events, events


# Keyboard only (Tab, Shift+Tab, Enter, Space): select_channel and select_accounts, in English.
def test_keyboard_only_select_channel_and_accounts(live_app, page_for):
    j = start(live_app, page_for, lang="en", select_channel=True, select_accounts=True)
    t, page = j.t, j.page
    j.screen("providers", t["choose_bank"])
    search = page.get_by_label(t["search"])
    tab_to(page, search)
    page.keyboard.type(DEMO)
    results = page.locator("#provider-results .provider")
    expect(results).to_have_count(1)
    settled(page)
    tab_to(page, results.first)
    page.keyboard.press("Enter")
    # The dialog: focus on the first choice, Tab to the second, Enter picks it. (Wait for htmx
    # to settle first: it focuses [autofocus] again at the end of its settle step.)
    dialog = page.locator("dialog:modal")
    expect(dialog).to_have_count(1)
    settled(page)
    expect(dialog.get_by_role("button", name=t["payment"])).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name=t["savings"])).to_be_focused()
    page.keyboard.press("Enter")
    # The credential form: autofocus on the login.
    j.screen("credentials", DEMO)  # settled too
    expect(page.get_by_label(t["login"])).to_be_focused()
    page.keyboard.type("demo")
    page.keyboard.press("Tab")
    expect(page.get_by_label(t["password"])).to_be_focused()
    page.keyboard.type("bank-password")
    page.keyboard.press("Enter")
    # The checklist: focus on the first account, Space unchecks it, Tab to the consent button.
    section = j.screen("accounts", t["accounts"] % DEMO)
    boxes = checkboxes(section)
    expect(boxes.first).to_be_focused()
    ids = values_of(boxes)
    assert len(ids) >= 2
    page.keyboard.press("Space")
    expect(boxes.first).not_to_be_checked()
    tab_to(page, section.get_by_role("button", name=t["agree"]))
    page.keyboard.press("Enter")
    j.syncing()
    params = j.returned()
    accounts = j.accounts_in_api(params["connection_id"])
    assert accounts[ids[0]]["status"] == "PENDING_CONSENT"
    assert all(accounts[i]["status"] == "ACTIVE" for i in ids[1:])
