"""Headless Debian Chromium through Playwright, against the app served on a live port."""
import pytest
from playwright.sync_api import sync_playwright

from tests.browser.client_page import client_server
from tests.live_server import build_app

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path):
    """Real time here, with the sandbox's waits shortened so a journey takes seconds."""
    app, server = build_app(tmp_path, SANDBOX_SYNC_SECONDS=2, SANDBOX_APP_VALIDATION_DELAY=2)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request):
    return request.param


@pytest.fixture
def page_for(browser):
    contexts = []

    def make(javascript=True, locale="fr-FR"):
        context = browser.new_context(java_script_enabled=javascript, locale=locale)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def client_site(live_app):
    """A Client's own pages on another origin, using the host SDK (tests/browser/client_page.py)."""
    server = client_server(live_app.live_url)
    yield server
    server.stop()
