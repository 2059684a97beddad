"""Screenshots of three screens of the widget in German and in dark mode, for the docs: the bank
list, a bank's sign-in form and the accounts to share, as docs/screenshots/<screen>-de-dark.png.

    make screenshots        (or: .venv/bin/python docs/screenshots.py [--out FOLDER])

Serves the app with its embedded sandbox on a free loopback port (the tests' live server), makes
a sandbox user and a widget session as a Client would (`locale=de`, `theme=dark`), and takes
each screen in Debian's Chromium, in a phone-sized window, the way a person gets there.
"""
import argparse
import logging
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.conftest import CHROMIUM, FLAGS  # noqa: E402
from tests.browser.page_steps import click, fill, press, search_banks  # noqa: E402
from tests.client_backend import sandbox_user, widget_link  # noqa: E402
from tests.live_server import build_app  # noqa: E402

HERE = Path(__file__).resolve().parent
WINDOW = {"width": 400, "height": 800}
BANK = "Banque en Ligne"


def shoot(page, name, folder):
    """Wait for the screen `name`, settle its focus out of the way, save it; its path."""
    expect(page.locator('#screen [data-screen="%s"]' % name)).to_have_count(1)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    path = folder / ("%s-de-dark.png" % name.replace("_", "-"))
    page.screenshot(path=str(path), animations="disabled")  # a phone's screenful
    return path


def take(app, browser, folder):
    """The three screenshots of one journey through `app` (served), in order; their paths."""
    link = widget_link(app, sandbox_user(app, accept_terms=True), redirect_url=None,
                       locale="de", theme="dark", select_accounts="true")
    context = browser.new_context(locale="de-DE", viewport=WINDOW, device_scale_factor=2,
                                  color_scheme="dark", reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(link)
        taken = [shoot(page, "providers", folder)]
        search_banks(page, BANK, count=1)
        press(page, BANK)
        taken.append(shoot(page, "credentials", folder))
        fill(page, login="demo", password="bank-password")
        click(page, "button.primary")
        taken.append(shoot(page, "accounts", folder))
    finally:
        context.close()
    return taken


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "screenshots")
    folder = parser.parse_args().out
    folder.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    with tempfile.TemporaryDirectory() as instance:
        app, server = build_app(Path(instance))
        app.live_url = server.start().url
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                for path in take(app, browser, folder):
                    print(path)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
