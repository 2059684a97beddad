"""The accessibility guard (issue 12, part 8): axe-core in Chromium on every screen of every
widget, in French and English, light and dark, 360 and 1280 px wide: no violation of WCAG 2.0
and 2.1 (A, AA) nor of axe's best practices (tests/browser/axe_audit.py).

Each case runs three times: in French and in English with the session's theme `auto` (the
default), each screen audited on a light and on a dark device (prefers-color-scheme); and in
French with `theme=dark` on a light device, where the option alone must give the dark palette.

Each case is a journey (tests/browser/axe_journeys.py, tests/browser/axe_mishaps.py) that names
the widgets it opens and the screens it audits; it fails when it audits other screens than those.
`test_every_screen_and_widget_has_a_case` fails when a screen of tests/screen_templates.py, or a
widget of the registry, has none: a new screen template needs its case here.
"""
import json
from dataclasses import dataclass, field
from typing import Callable

import pytest
from playwright.sync_api import expect

from tests.browser import axe_journeys as journeys
from tests.browser import axe_mishaps as mishaps
from tests.browser.axe_audit import AXE_SCRIPT, Audit, axe_source
from tests.client_backend import sandbox_user
from tests.fakes import FakeClock
from tests.live_server import build_app
from tests.screen_templates import SCREENS
from widget.views.registry import SPECS

LOCALES = {"fr": "fr-FR", "en": "en-US"}
# (language, the session's theme, the devices' colour schemes)
VARIANTS = {"fr": ("fr", "auto", ("light", "dark")), "en": ("en", "auto", ("light", "dark")),
            "fr-theme-dark": ("fr", "dark", ("light",))}
PACKAGE = AXE_SCRIPT.parents[2] / "package.json"


@dataclass(frozen=True)
class Case:
    journey: Callable
    widgets: tuple
    screens: tuple
    settings: dict = field(default_factory=dict)


CASES = {
    "add_connection": Case(journey=journeys.add_connection, widgets=("add_connection",), screens=(
        "terms", "providers", "bank_notice", "accounts", "next_channel", "credentials",
        "challenge", "syncing", "result")),
    "channel_choice": Case(journey=journeys.channel_choice, widgets=("add_connection",),
                           screens=("channel_choice", "credentials", "challenge", "result")),
    "edit_credentials": Case(journey=journeys.edit_credentials, widgets=("edit_credentials",),
                             screens=("edit_choice", "credentials", "challenge", "syncing",
                                      "result")),
    "duplicate": Case(journey=journeys.duplicate, widgets=("add_connection",),
                      screens=("providers", "duplicate", "credentials"),
                      settings={"SANDBOX_PROVIDER_STATUS": {"web": "DEGRADED"}}),
    "user_input": Case(journey=journeys.user_input, widgets=("user_input",),
                       screens=("user_input_waiting", "challenge", "syncing", "result"),
                       settings={"SANDBOX_SCA_VALIDITY": 0}),
    "manage_accounts": Case(journey=journeys.manage_accounts, widgets=("manage_accounts",),
                            screens=("manage_accounts", "manage_accounts_review", "result")),
    "professional_account": Case(journey=journeys.professional_account,
                                 widgets=("professional_account",),
                                 screens=("professional_accounts", "result")),
    "terms": Case(journey=journeys.terms, widgets=("terms",), screens=("terms", "result")),
    "bank_failures": Case(journey=mishaps.bank_failures, widgets=("add_connection",), screens=(
        "provider_down", "upstream_error", "sync_failed", "result", "bank_callback_invalid")),
    "session_errors": Case(journey=mishaps.session_errors, widgets=("add_connection",), screens=(
        "session_missing", "http_error", "not_found", "stale", "csrf_error")),
    "busy_sessions": Case(journey=mishaps.busy_sessions, widgets=("add_connection",),
                          screens=("in_progress", "busy", "store_unavailable"),
                          settings={"SESSION_LOCK_WAIT_SECONDS": 0.1}),
    "rate_limits": Case(journey=mishaps.rate_limits, widgets=("add_connection",),
                        screens=("too_many_attempts", "too_many_requests"),
                        settings={"RATELIMIT_ENABLED": True,
                                  "LIMIT_CHALLENGE_ANSWERS": "2 per hour",
                                  "LIMIT_WIDGET_POSTS_PER_SESSION": "3 per minute"}),
}


@pytest.fixture
def serve(tmp_path):
    """Serve an app with its sandbox on a clock of its own (`app.clock`) and these settings."""
    servers = []

    def make(**settings):
        clock = FakeClock()
        app, server = build_app(tmp_path / str(len(servers)), SANDBOX_CLOCK=clock,
                                WIDGET_CLOCK=clock, **settings)
        servers.append(server.start())
        app.live_url, app.clock = server.url, clock
        return app

    yield make
    for server in servers:
        server.stop()


def test_every_screen_and_widget_has_a_case():
    audited = {screen for case in CASES.values() for screen in case.screens}
    assert set(SCREENS) - audited == set(), "screens no case audits"
    assert audited - set(SCREENS) == set(), "cases name screens that are not templates"
    opened = {widget for case in CASES.values() for widget in case.widgets}
    assert {spec.name for spec in SPECS} - opened == set(), "widgets no case opens"


@pytest.mark.browser
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_no_accessibility_violation(serve, page_for, name, variant):
    case = CASES[name]
    lang, theme, schemes = VARIANTS[variant]
    app = serve(**case.settings)
    audit = Audit(page_for(locale=LOCALES[lang]), lang, app, app.clock, theme, schemes)
    case.journey(audit)
    audit.clean(*case.screens)


@pytest.mark.browser
def test_the_guard_reports_what_axe_finds(serve, page_for):
    """The pinned axe-core runs; a label taken away is found everywhere, a heading made light
    grey only on a light device (on a dark one it reads well): each is reported where it is."""
    app = serve()
    audit = Audit(page_for(), "fr", app, app.clock)
    audit.goto(journeys.widget_link(audit, sandbox_user(app, accept_terms=True)))
    expect(audit.page.locator("#q")).to_be_visible()
    audit.page.evaluate(axe_source())
    pinned = json.loads(PACKAGE.read_text())["devDependencies"]["axe-core"]
    assert audit.page.evaluate("axe.version") == pinned
    audit.page.evaluate("document.querySelector('label[for=q]').remove();"
                        "document.querySelector('#title').style.color = '#ccc'")
    audit.screen("providers")
    labels = [found for found in audit.found if ": label (critical)" in found]
    faint = [found for found in audit.found if ": color-contrast (serious)" in found]
    assert [found.split(":")[0] for found in labels] == [
        "providers [fr, theme auto on a %s device, %d px]" % (scheme, width)
        for scheme in ("light", "dark") for width in (360, 1280)], audit.found
    assert [found.split(":")[0] for found in faint] == [
        "providers [fr, theme auto on a light device, %d px]" % width for width in (360, 1280)]
    assert all("#title" in found for found in faint), faint
    with pytest.raises(AssertionError, match="axe found"):
        audit.clean("providers")
