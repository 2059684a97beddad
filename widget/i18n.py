"""Languages: French by default, English, German, Spanish, Italian, Dutch and Portuguese; the
`flask translate` commands wrap pybabel."""
import subprocess
import sys

import click
from flask import current_app, g, request
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l

from widget.config import ROOT

# Each language's name in itself, for a language switch (config.LANGUAGES says which are on).
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "de": "Deutsch", "es": "Español",
                  "it": "Italiano", "nl": "Nederlands", "pt": "Português"}


def pick_locale(*candidates):
    """The first supported language among the candidates (`fr-FR` counts as `fr`), or None."""
    supported = current_app.config["LANGUAGES"]
    for value in candidates:
        if isinstance(value, str):
            code = value.strip().lower().replace("_", "-").split("-")[0]
            if code in supported:
                return code
    return None


def select_locale():
    """`locale`/`lng` in the request, then the widget run's language, then the browser's."""
    return (
        pick_locale(request.args.get("locale"), request.args.get("lng"))
        or pick_locale(getattr(g, "run_locale", None))
        # The browser's languages by preference, `nl-BE` counting as `nl`: werkzeug's
        # best_match would take an exact `fr;q=0.5` over a first choice of `nl-BE`.
        or pick_locale(*request.accept_languages.values())
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@click.group("translate")
def translate():
    """Extract, update and compile the translation catalogues (pybabel)."""


@translate.command("extract")
def extract():
    """Collect every marked string into messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "messages.pot", ".")


@translate.command("update")
def update():
    """Extract, then merge new strings into every language's catalogue."""
    extract.callback()
    _pybabel("update", "-i", "messages.pot", "-d", "translations", "--no-fuzzy-matching")


@translate.command("compile")
def compile_catalogues():
    """Compile the catalogues into the .mo files the app reads."""
    _pybabel("compile", "-d", "translations")


@translate.command("init")
@click.argument("lang")
def init(lang):
    """Start a catalogue for a new language."""
    extract.callback()
    _pybabel("init", "-i", "messages.pot", "-d", "translations", "-l", lang)


def init_app(app):
    Babel(app, locale_selector=select_locale)
    app.cli.add_command(translate)
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale()),
                                 account_type_label=account_type_label,
                                 channel_status_label=channel_status_label)


ACCOUNT_TYPES = {
    "CHECKINGS": _l("Current account"),
    "SAVINGS": _l("Savings account"),
    "LOAN": _l("Loan"),
    "CREDIT_CARD": _l("Card"),
}


def account_type_label(account_type):
    """The translated name of an account type (the type itself when unknown)."""
    return str(ACCOUNT_TYPES.get(account_type, account_type or ""))


CHANNEL_STATUSES = {
    "SUCCESS": _l("Working"),
    "RUNNING": _l("Synchronising"),
    "NONE": _l("Not synchronised yet"),
    "EMPTY": _l("No account found"),
    "TOKEN_EXPIRED": _l("Access expired: to renew"),
    "PASSWORD_CHANGE_REQUIRED": _l("Password to update"),
    "CHALLENGE_REQUIRED": _l("Waiting for a verification"),
    "USER_ACTION_REQUIRED": _l("Action needed on your bank's website"),
    "AUTH_FAILED": _l("Refused by the bank"),
}


def channel_status_label(status):
    """The translated state of a connection's channel, in words a user understands."""
    return str(CHANNEL_STATUSES.get(status, status or ""))
