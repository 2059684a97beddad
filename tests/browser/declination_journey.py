"""add_connection as one user goes through it in one browser page, screen by screen: the
`Journey` of tests/browser/test_declinations.py (and of the Procfile's journeys)."""
import re
from urllib.parse import parse_qs, urlsplit

import requests
from playwright.sync_api import expect

from tests.browser.page_steps import press, settled
from tests.client_backend import CLIENT, sandbox_user

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
        """The REDIRECT notice (sharing data through Passerelle), then the bank portal at top
        level."""
        t, page = self.t, self.page
        notice = self.screen("bank_notice", bank)
        expect(notice).to_contain_text(t["notice"])
        go = notice.locator('form[target="_top"]').get_by_role("button", name=t["continue"])
        expect(go).to_have_count(1)
        go.click()
        portal = self.app.live_url + "/sandbox/bank/authorize?"
        expect(page).to_have_url(re.compile(re.escape(portal) + r".*\brequest="))
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
        live_region = "#sync-progress[role=status][aria-live=polite]"
        if not self.javascript:
            # The page refreshes itself every 2 s and the sync may be over at the next refresh:
            # on a loaded machine two looks at it may be that far apart, so one look reads both.
            expect(self.page.locator('#screen [data-screen="syncing"] ' + live_region)) \
                .to_have_count(1)
            return
        self.screen("syncing", self.t["syncing"])
        expect(self.page.locator(live_region)).to_have_count(1)

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
        response = requests.get("%s/widget_session/%s/events" % (self.app.live_url,
                                                                 self.session_id),
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
