"""The playground in a browser: a session opened from its form, the widget gone through to
the end, the message log of the iframe and popup modes, and the whole journey back."""
import re

from playwright.sync_api import expect

from tests.browser.page_steps import TEXTS, press, settled

T = TEXTS["en"]
FRAME = "iframe[title='Bank connection widget']"


def start_from_playground(page, app, mode, **fields):
    """As a new sandbox user, create a widget session in `mode` from the playground's form."""
    page.goto(app.live_url + "/?lng=en")
    page.get_by_role("button", name="Create a sandbox user").click()
    for name, value in fields.items():
        page.locator("#f-" + name).fill(value)
    page.get_by_role("radio", name=mode, exact=True).check()
    page.get_by_role("button", name="Create the session and open the widget").click()


def open_the_popup(page):
    """Click the playground's button for the popup: the popup, once the widget in it has said
    OPEN to this page. The widget's scripts are deferred: a click in the popup before they ran
    would leave the first page, and its message, unsent."""
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Open the widget in a popup").click()
    expect(page.locator("#message-log .event-name").first).to_have_text("OPEN")
    return opened.value


def connect_to_web_bank(widget):
    """In the widget (a page or a frame), as a new user: terms, Banque en Ligne, `demo`.

    The search is sent with its button, not live: a click can come before htmx has loaded in a
    page just navigated to, and the live search's input event would then be lost.
    """
    press(widget, T["accept"])
    widget.get_by_label(T["search"]).fill("en ligne")
    press(widget, T["search_button"], exact=True)
    expect(widget.locator("#provider-results .provider")).to_have_count(1)
    settled(widget)
    press(widget, re.compile("Banque en Ligne"))
    widget.get_by_label(T["login"]).fill("demo")
    widget.get_by_label(T["password"]).fill("any-password")
    press(widget, T["connect"], exact=True)
    press(widget, T["agree"])


def logged_names(page):
    """The names in the message log, once `redirect_to` has arrived (oldest first)."""
    log = page.locator("#message-log")
    # has_text alone is a case-blind substring: REDIRECT_TO_PROVIDER would match.
    final = log.locator(".event-name").filter(has_text=re.compile(r"^redirect_to$"))
    expect(final).to_have_count(1, timeout=30000)
    return log.locator(".event-name").all_text_contents()


PLAYGROUND = {
    "fr": {"create": "Créer un utilisateur du bac à sable",
           "open": "Créer la session et ouvrir le widget",
           "events": "Événements de la session de widget", "accounts": "Comptes de la connexion"},
    "en": {"create": "Create a sandbox user", "open": "Create the session and open the widget",
           "events": "Events of the widget session", "accounts": "Accounts of connection"},
}


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
    for name in ("OPEN", "TERMS_ACCEPTED", "CONNECTION_CREATED", "CONSENT_ACCEPTED",
                 "SYNC_FINISHED", "REDIRECT"):
        expect(page.locator("table.events")).to_contain_text(name)
    expect(page.get_by_role("heading", name=re.compile(p["accounts"]))).to_be_visible()
    assert page.locator("article.account").count() >= 1
