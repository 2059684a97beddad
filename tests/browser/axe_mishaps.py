"""The accessibility guard's journeys through what goes wrong (tests/browser/test_axe.py): a
bank down or failing, a session unknown, a form forged, a session busy, the store down, the
rate limits. Each is `f(audit)`, as in tests/browser/axe_journeys.py."""
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from tests.browser.axe_journeys import SYNC_SECONDS, WEB, widget_link
from tests.browser.page_steps import click, fill, press, search_banks
from tests.client_backend import sandbox_user
from widget.bank_states import BankStates
from widget.store import SessionBusy, StoreUnavailable, WidgetSessionStore
from widget.store_keys import stored_name

FORGE_CSRF = "document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'x')"


def session_of(link):
    return parse_qs(urlsplit(link).query)["session_id"][0]


def bank_failures(audit):
    """A bank down, the API failing when the user tries again, a sync the bank fails (then
    back to the result), and a bank's callback that nobody asked for."""
    app, page = audit.app, audit.page
    user = sandbox_user(app, accept_terms=True)
    audit.goto(widget_link(audit, user, provider_id="down"))
    audit.screen("provider_down")
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/providers": "500"}
    try:
        click(page, "button.primary")
        audit.screen("upstream_error")
    finally:
        app.config["SANDBOX_FAULTS"] = {}
    audit.goto(widget_link(audit, user, provider_id="web"))
    audit.wait("credentials")
    fill(page, login="fail", password="bank-password")
    click(page, "button.primary")
    audit.wait("accounts")
    click(page, "button.primary")
    audit.wait("syncing")
    audit.clock.advance(SYNC_SECONDS)
    audit.screen("sync_failed")
    click(page, "button.primary")
    audit.screen("result", "error")
    audit.goto(app.live_url + "/widget/add_connection/callback?code=c&state=" + "s" * 43)
    audit.screen("bank_callback_invalid")


def session_errors(audit):
    """An unknown session, an unknown page, an unknown widget, a step of a run never started,
    and a form whose CSRF token was tampered with."""
    app, page = audit.app, audit.page
    audit.goto(app.live_url + "/widget/add_connection?session_id=" + "A" * 43)
    audit.screen("session_missing")
    audit.goto(app.live_url + "/widget/nowhere/at/all")
    audit.screen("http_error", "404")
    link = widget_link(audit, sandbox_user(app, accept_terms=True))
    audit.goto(link.replace("/add_connection?", "/no_such_widget?"))
    audit.screen("not_found")
    audit.goto(link.replace("/add_connection?", "/resume?"))
    audit.screen("stale")
    audit.goto(link)
    audit.wait("providers")
    search_banks(page, WEB, count=1)
    page.evaluate(FORGE_CSRF)
    press(page, WEB)
    audit.screen("csrf_error")


def busy_sessions(audit):
    """A request that finds its session held by another (the page goes on by itself once it is
    free), and the store answering busy, or down, where no widget step catches it: the store's
    faults are injected, as Redis or a full disk would raise them."""
    app = audit.app
    link = widget_link(audit, sandbox_user(app, accept_terms=True))
    audit.goto(link)
    audit.wait("providers")
    store = app.extensions["widget_sessions"]
    with app.app_context(), store.backend.lock(stored_name(session_of(link))):
        audit.goto(link)  # opened again, in another tab say, while a request is at work
        audit.screen("in_progress")
    audit.wait("providers")
    with patch.object(BankStates, "record", side_effect=SessionBusy):
        audit.goto(app.live_url + "/widget/add_connection/callback?state=" + "s" * 43)
        audit.screen("busy")
    with patch.object(WidgetSessionStore, "transaction", side_effect=StoreUnavailable):
        audit.goto(link)
        audit.screen("store_unavailable")


def rate_limits(audit):
    """Wrong SMS codes past the case's LIMIT_CHALLENGE_ANSWERS, then a session's posts past
    its LIMIT_WIDGET_POSTS_PER_SESSION (3 a minute)."""
    app, page = audit.app, audit.page
    user = sandbox_user(app, accept_terms=True)
    audit.goto(widget_link(audit, user, provider_id="web"))
    audit.wait("credentials")
    fill(page, login="otp", password="bank-password")
    click(page, "button.primary")
    for code in ("000001", "000002"):
        audit.wait("challenge")
        fill(page, answer=code)
        click(page, "button.primary")
    audit.screen("too_many_attempts")
    # Another user: this one is now connected to web, which would ask about that (issue 13).
    audit.goto(widget_link(audit, sandbox_user(app, accept_terms=True)))
    for _ in range(2):
        audit.wait("providers")
        search_banks(page, WEB, count=1)
        press(page, WEB)
        audit.wait("credentials")
        click(page, 'form[action$="/back"] button')
    audit.screen("too_many_requests")
