"""add_connection's documented examples and declinations, screen by screen, in a real browser.

The public documentation (seeds/000_*.txt, "Exemples" and "(Declination)") and DESIGN.md
sections 4-7 are the contract: each test follows one of those journeys from the widget link to
the Client's redirect URL, asserting every screen on the way (its data-screen and heading).
Test banks: demo = Banque Démo (REDIRECT demo-redirect, then EMBEDDED demo-embedded),
web = Banque en Ligne (EMBEDDED), psd2 = Banque Directe (REDIRECT).
"""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.test_add_connection_journey import press, settled
from tests.conftest import CLIENT, sandbox_user

pytestmark = pytest.mark.browser

# The widget's texts (translations/*/LC_MESSAGES/messages.po).
TEXTS = {
    "fr": {
        "choose_bank": "Choisissez votre banque", "search": "Rechercher une banque",
        "search_button": "Rechercher",
        "notice": "En vous connectant au site de votre banque, vous acceptez que votre banque "
                  "partage les données de vos comptes",
        "continue": "Continuer vers ma banque", "another_bank": "Choisir une autre banque",
        "choice_title": "Quels comptes voulez-vous ajouter ?",
        "payment": "Comptes de paiement", "savings": "Comptes d'épargne",
        "login": "Identifiant", "password": "Mot de passe", "connect": "Se connecter",
        "accounts": "Vos comptes chez %s", "choose_accounts": "Choisissez les comptes à partager",
        "none_selected": "Choisissez au moins un compte.", "agree": "J’accepte et je continue",
        "next_channel": "Ajouter vos autres comptes chez %s ?", "add": "Ajouter ces comptes",
        "not_now": "Pas maintenant", "syncing": "Récupération de vos comptes",
    },
    "en": {
        "choose_bank": "Choose your bank", "search": "Search for a bank", "search_button": "Search",
        "notice": "By connecting to your bank's website, you agree that your bank shares the data "
                  "of your accounts",
        "continue": "Continue to my bank", "another_bank": "Choose another bank",
        "choice_title": "Which accounts do you want to add?",
        "payment": "Payment accounts", "savings": "Savings accounts",
        "login": "Login", "password": "Password", "connect": "Connect",
        "accounts": "Your accounts at %s", "choose_accounts": "Choose the accounts to share",
        "none_selected": "Choose at least one account.", "agree": "I agree and continue",
        "next_channel": "Add your other accounts at %s?", "add": "Add these accounts",
        "not_now": "Not now", "syncing": "Retrieving your accounts",
    },
}
# The sandbox bank portal's texts (widget/sandbox/portal_texts.py), in the widget's language.
PORTAL = {
    "fr": {"title": "Connexion à votre espace", "sign_in": "Se connecter",
           "consent": "Autoriser l'accès à vos comptes", "approve": "Autoriser", "deny": "Refuser"},
    "en": {"title": "Sign in to your online banking", "sign_in": "Sign in",
           "consent": "Allow access to your accounts", "approve": "Allow", "deny": "Deny"},
}
DEMO, WEB, DIRECT = "Banque Démo", "Banque en Ligne", "Banque Directe"
SYNC_TIMEOUT = 30000  # the sandbox's sync takes about 2 s here; waits are generous, never timed


class Journey:
    """One user in one browser page, going through add_connection."""

    def __init__(self, app, page, user, lang, javascript, session_id):
        self.app, self.page, self.user, self.session_id = app, page, user, session_id
        self.lang, self.javascript = lang, javascript
        self.t, self.portal = TEXTS[lang], PORTAL[lang]
        self.errors = []  # uncaught exceptions and console errors (a CSP violation is one)
        page.on("pageerror", lambda exc: self.errors.append("pageerror: %s" % exc))
        page.on("console", self._console)

    def _console(self, message):
        # HTTP statuses are no script errors: the favicon's 404, a form's expected 422.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append("console: %s" % message.text)

    # Screens
    def screen(self, name, heading=None):
        """Wait for the screen `name`; check its heading (h1); the section."""
        section = self.page.locator('#screen [data-screen="%s"]' % name)
        expect(section).to_have_count(1)
        if heading is not None:
            expect(section.locator("h1")).to_have_text(heading)
        if self.javascript:
            settled(self.page)
        return section

    def focus_moved(self, target=None):
        """With JavaScript, focus lands on the new screen after an htmx swap (or on `target`)."""
        if not self.javascript:
            return
        if target is not None:
            expect(target).to_be_focused()
        else:
            expect(self.page.locator("#screen :focus")).to_have_count(1)

    # Steps
    def pick_bank(self, name):
        """The provider list: search for `name`, then pick it."""
        t, page = self.t, self.page
        self.screen("providers", t["choose_bank"])
        page.get_by_label(t["search"]).fill(name)
        results = page.locator("#provider-results .provider")
        if self.javascript:  # live search narrows the list without a submit
            expect(results).to_have_count(1)
            settled(page)
        else:
            press(page, t["search_button"], exact=True)
        expect(results).to_have_count(1)
        expect(results).to_contain_text(name)
        press(page, name)

    def bank_notice_to_portal(self, bank):
        """The REDIRECT notice (sharing data through Passerelle), then the bank portal at top level."""
        t, page = self.t, self.page
        notice = self.screen("bank_notice", bank)
        expect(notice).to_contain_text(t["notice"])
        go = notice.locator('form[target="_top"]').get_by_role("button", name=t["continue"])
        expect(go).to_have_count(1)
        go.click()
        expect(page).to_have_url(re.compile(re.escape(self.app.live_url + "/sandbox/bank/authorize?")
                                            + r".*\brequest="))
        assert page.main_frame.parent_frame is None and len(page.frames) == 1
        expect(page.get_by_role("heading", name=self.portal["title"])).to_be_visible()
        expect(page.locator("p.bank")).to_have_text(bank)

    def portal_login(self, login="demo", decision="approve"):
        """At the bank: sign in (any password but `wrong`), then approve or deny."""
        page = self.page
        page.locator("#login").fill(login)
        page.locator("#password").fill("bank-password")
        page.get_by_role("button", name=self.portal["sign_in"]).click()
        expect(page.get_by_role("heading", name=self.portal["consent"])).to_be_visible()
        page.get_by_role("button", name=self.portal[decision], exact=True).click()

    def back_from_bank(self, bank, select=False):
        """The bank's callback resumed the widget at the accounts screen, at top level."""
        accounts = self.screen("accounts", self.t["accounts"] % bank)
        assert self.page.url.startswith(self.app.live_url + "/widget/add_connection?")
        expect(accounts.locator('input[name="account_id"]')).to_have_count(
            accounts.locator("ul.accounts li").count() if select else 0)
        return accounts

    def credentials(self, bank, login="demo", password="bank-password"):
        t, page = self.t, self.page
        self.screen("credentials", bank)
        self.focus_moved(page.get_by_label(t["login"]))
        page.get_by_label(t["login"]).fill(login)
        page.get_by_label(t["password"]).fill(password)
        press(page, t["connect"], exact=True)

    def consent(self, bank, swapped=True):
        """The accounts and the PSD2 consent for all of them (`swapped`: shown by an htmx swap,
        not a page load, so focus must have moved to it)."""
        accounts = self.screen("accounts", self.t["accounts"] % bank)
        expect(accounts.locator("ul.accounts li").first).to_be_visible()
        if swapped:
            self.focus_moved()
        press(self.page, self.t["agree"])

    def next_channel(self, bank, accept):
        section = self.screen("next_channel", self.t["next_channel"] % bank)
        self.focus_moved(section.get_by_role("button", name=self.t["add"]))
        press(self.page, self.t["add"] if accept else self.t["not_now"])

    def syncing(self):
        self.screen("syncing", self.t["syncing"])
        expect(self.page.locator("#sync-progress[role=status][aria-live=polite]")).to_have_count(1)

    def returned(self, result="success", **expected):
        """On the Client's redirect URL: its query parameters (DESIGN.md section 5)."""
        self.page.wait_for_url(re.compile(re.escape(self.app.live_url) + r"/playground/return\?.*"),
                               timeout=SYNC_TIMEOUT)
        params = {k: v[0] for k, v in parse_qs(urlsplit(self.page.url).query).items()}
        assert params["result"] == result, params
        assert params["widget"] == "add_connection" and params["state"] == "st-declination", params
        if result == "success":
            assert params.get("connection_id"), params
            assert "error" not in params, params
        for key, value in expected.items():
            assert params.get(key) == value, params
        assert not self.errors, self.errors
        return params

    def events(self):
        """The names of the session's tracked events, as the Client reads them (section 7)."""
        response = requests.get("%s/widget_session/%s/events" % (self.app.live_url, self.session_id),
                                auth=CLIENT, timeout=10)
        assert response.status_code == 200, response.text
        return [event["name"] for event in response.json()]

    def accounts_in_api(self, connection_id):
        """The connection's accounts as the Accounts API sees them, by id."""
        response = requests.get(self.app.live_url + "/sandbox/api/v2.1/accounts", timeout=10,
                                params={"connection_id": connection_id, "limit": 100},
                                headers={"Authorization": "Bearer " + self.user["access_token"]})
        assert response.status_code == 200, response.text
        return {account["id"]: account for account in response.json()}


def start(app, page_for, lang="fr", javascript=True, **options):
    """A sandbox user (terms accepted), a widget session made by the Client, its link opened."""
    user = sandbox_user(app, accept_terms=True)
    data = {"access_token": user["access_token"], "refresh_token": user["refresh_token"],
            "redirect_url": app.live_url + "/playground/return", "state": "st-declination",
            "locale": lang}
    data.update({k: ("true" if v is True else v) for k, v in options.items()})
    response = requests.post(app.live_url + "/widget_session", auth=CLIENT, data=data, timeout=10)
    assert response.status_code == 201, response.text
    page = page_for(javascript=javascript, locale="fr-FR" if lang == "fr" else "en-US")
    journey = Journey(app, page, user, lang, javascript, response.json()["session_id"])
    page.goto(response.json()["_links"]["add_connection"])
    return journey


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


def test_select_channel_with_forced_provider_escape_exits(live_app, page_for):
    """provider_id + select_channel: the dialog is modal from the page load; Escape leaves."""
    j = start(live_app, page_for, provider_id="demo", select_channel=True)
    j.screen("channel_choice")
    expect(j.page.locator("dialog:modal")).to_have_count(1)
    expect(j.page.locator("dialog").get_by_role("button", name=j.t["payment"])).to_be_focused()
    expect(j.page.locator("dialog").get_by_role("button", name=j.t["another_bank"])).to_have_count(0)
    j.page.keyboard.press("Escape")
    params = j.returned("cancelled")
    assert "connection_id" not in params


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
