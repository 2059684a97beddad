"""The journeys the accessibility guard (tests/browser/test_axe.py) takes through each widget,
auditing every screen they reach in the states a person meets, errors included.

Each journey is `f(audit)`: `audit.app` serves the widget with its sandbox on a frozen clock
(`audit.clock`), so a sync or a bank's approval waits on each screen until the journey moves the
clock. Buttons are found by their place, not their words: the same journey runs in each language.
"""
from playwright.sync_api import expect

from tests.browser.declination_journey import PORTAL
from tests.browser.page_steps import click, fill, press, search_banks
from tests.client_backend import bank_connection, call, connected_user, sandbox_user, synchronize
from tests.client_backend import widget_link as client_widget_link
from widget.flows.syncing import POLL_INTERVAL_SECONDS

DEMO, WEB = "Banque Démo", "Banque en Ligne"
SYNC_SECONDS = 60  # more than any sandbox sync or approval takes


def widget_link(audit, user, widget="add_connection", query=None, **options):
    """A new session's link, in the audit's language and theme, ending on the widget's own
    result page."""
    return client_widget_link(audit.app, user, widget, query, redirect_url=None,
                              locale=audit.lang, theme=audit.theme, **options)


def sync_to_the_end(audit):
    """The syncing screen, then the sandbox's clock past the sync: the result page."""
    audit.screen("syncing")
    audit.clock.advance(SYNC_SECONDS)
    audit.screen("result", "success")


def add_connection(audit):
    """Terms, the bank list and its searches, a REDIRECT bank's notice and portal (the
    sandbox's sign-in and consent pages audited too), its account checklist (left empty first), the second channel's credentials (refused first), an SMS code
    (wrong first), the consent, the sync and the widget's own result page."""
    page, lang = audit.page, audit.lang
    audit.goto(widget_link(audit, sandbox_user(audit.app), select_accounts="true",
                           multiple_channels="true"))
    audit.screen("terms")
    click(page, "button.primary")
    audit.screen("providers")
    search_banks(page, "coopérative", first="Coopérative")
    audit.screen("providers", "many results")
    search_banks(page, "zzzz", count=0)
    audit.screen("providers", "no result")
    search_banks(page, DEMO, count=1)
    press(page, DEMO)
    audit.screen("bank_notice")
    click(page, "button.primary")
    expect(page.locator("#login")).to_be_visible()
    audit.elsewhere("the bank's sign-in page")
    page.locator("#login").fill("demo")
    page.locator("#password").fill("bank-password")
    page.get_by_role("button", name=PORTAL[lang]["sign_in"]).click()
    approve = page.get_by_role("button", name=PORTAL[lang]["approve"], exact=True)
    expect(approve).to_be_visible()
    audit.elsewhere("the bank's consent page")
    approve.click()
    audit.screen("accounts", "checklist")
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    click(page, "button.primary")
    audit.screen("accounts", "none chosen")
    page.get_by_role("checkbox").first.check()
    click(page, "button.primary")
    audit.screen("next_channel")
    click(page, "button.primary")
    audit.screen("credentials")
    fill(page, login="otp", password="wrong")
    click(page, "button.primary")
    audit.screen("credentials", "refused")
    fill(page, password="bank-password")
    click(page, "button.primary")
    audit.screen("challenge", "SMS code")
    fill(page, answer="000000")
    click(page, "button.primary")
    audit.screen("challenge", "wrong code")
    fill(page, answer="123456")
    click(page, "button.primary")
    audit.screen("accounts", "all accounts")
    click(page, "button.primary")
    sync_to_the_end(audit)


def channel_choice(audit):
    """A bank with two channels named by the session: the choice as a modal dialog, then as the
    page Escape leaves; the savings' credentials, an approval in the bank's app; Exit."""
    page = audit.page
    user = sandbox_user(audit.app, accept_terms=True)
    audit.goto(widget_link(audit, user, provider_id="demo", select_channel="true"))
    expect(page.locator("dialog:modal")).to_have_count(1)
    audit.screen("channel_choice", "dialog")
    page.keyboard.press("Escape")
    # Closed, then shown again as the page (widget.js, on the dialog's close event): audited
    # once it is, not in between, while the closed dialog hides the heading.
    expect(page.locator("dialog[open]:not(:modal)")).to_have_count(1)
    audit.screen("channel_choice", "page")
    click(page, 'button.choice[value="demo-embedded"]')
    audit.screen("credentials")
    fill(page, login="app", password="bank-password")
    click(page, "button.primary")
    audit.screen("challenge", "approval in the app")
    click(page, 'form[action$="/cancel"] button')
    audit.screen("result", "cancelled")


def edit_credentials(audit):
    """A two-channel bank's connection: what to do with it, the credentials of its savings
    channel, the bank's question, the sync and the result."""
    page = audit.page
    user = sandbox_user(audit.app, accept_terms=True)
    connection_id = bank_connection(audit.app, user, provider="demo", definition="demo-embedded")
    audit.goto(widget_link(audit, user, "edit_credentials",
                           query={"connection_id": connection_id}))
    audit.screen("edit_choice")
    click(page, 'button.choice[value="demo-embedded"]')
    audit.screen("credentials", "renewal")
    fill(page, login="question", password="new-password")
    click(page, "button.primary")
    audit.screen("challenge", "question")
    fill(page, answer="blue")
    click(page, "button.primary")
    sync_to_the_end(audit)


def user_input(audit):
    """The Client's sync of an SMS-code connection (the bank asks the code at each sync: the
    case's SANDBOX_SCA_VALIDITY=0): the wait for the bank's question, the code, the sync, the
    result."""
    app, page = audit.app, audit.page
    user = sandbox_user(app, accept_terms=True)
    connection_id = bank_connection(app, user, login="otp", consent_all=False)
    channel = call(app, user, "GET", "/connections/" + connection_id)["channels"][0]
    call(app, user, "POST", "/connections/%s/channels/%s/challenges/%s" % (
        connection_id, channel["id"], channel["challenge"]["id"]), json={"answer": "123456"})
    call(app, user, "PUT", "/connections/%s/consents" % connection_id, json={"all_accounts": True})
    audit.goto(widget_link(audit, user, "user_input", query={"connection_id": connection_id}))
    audit.screen("user_input_waiting")
    audit.clock.advance(1)  # past the bank's strong authentication (valid 0 s here)
    synchronize(app, user, connection_id)
    audit.clock.advance(POLL_INTERVAL_SECONDS)  # the widget's next look (its wait lasts 30 s)
    audit.screen("challenge", "SMS code")
    fill(page, answer="123456")
    click(page, "button.primary")
    sync_to_the_end(audit)


def manage_accounts(audit):
    """The accounts shared, none checked (refused), then one: the review, the result."""
    page = audit.page
    user, connection_id, _ = connected_user(audit.app, login="demo")
    audit.goto(widget_link(audit, user, "manage_accounts",
                           query={"connection_id": connection_id}))
    audit.screen("manage_accounts")
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    click(page, "button.primary")
    audit.screen("manage_accounts", "none chosen")
    page.get_by_role("checkbox").first.check()
    click(page, "button.primary")
    audit.screen("manage_accounts_review")
    click(page, "button.primary")
    audit.screen("result", "success")


def professional_account(audit):
    """The accounts to mark professional, a wrong SIREN number, then the result."""
    page = audit.page
    user, connection_id, _ = connected_user(audit.app, login="pro")
    audit.goto(widget_link(audit, user, "professional_account",
                           query={"connection_id": connection_id}))
    audit.screen("professional_accounts")
    boxes = page.locator('fieldset.pro-account input[type="checkbox"]')
    for index in range(1, boxes.count()):  # the bank flagged them; they are personal here
        boxes.nth(index).uncheck()
    first = page.locator("fieldset.pro-account").first
    first.locator('input[type="checkbox"]').check()
    first.locator('input[name^="company_name-"]').fill("Boulangerie Dupont")
    first.locator('input[name^="siren-"]').fill("732 829 321")
    click(page, "button.primary")
    audit.screen("professional_accounts", "wrong SIREN")
    page.locator("fieldset.pro-account").first.locator('input[name^="siren-"]').fill(
        "732 829 320")
    click(page, "button.primary")
    audit.screen("result", "success")


def terms(audit):
    """The terms widget on its own: the terms, then the result once accepted."""
    audit.goto(widget_link(audit, sandbox_user(audit.app), "terms"))
    audit.screen("terms")
    click(audit.page, "button.primary")
    audit.screen("result", "success")


def duplicate(audit):
    """Issue 13 parts 5 and 6: the list with a bank disrupted and one down (the case's
    SANDBOX_PROVIDER_STATUS), a bank the user is already connected to, and its update."""
    page = audit.page
    user = sandbox_user(audit.app, accept_terms=True)
    bank_connection(audit.app, user)
    audit.goto(widget_link(audit, user, allow_duplicates="true"))
    audit.screen("providers", "banks disrupted and down")
    click(page, 'button.provider[value="web"]')
    audit.screen("duplicate")
    click(page, 'button[value="update"]')
    audit.screen("credentials", "update, bank disrupted")
