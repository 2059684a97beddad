"""Languages: French by default, English, German, Spanish, Italian, Dutch and Portuguese; the
`flask translate` commands wrap pybabel."""
import functools
import subprocess
import sys

import click
from babel import Locale
from flask import current_app, g, request
from flask_babel import Babel, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup

from widget.config import ROOT

# Each language's name in itself, for a language switch (config.LANGUAGES says which are on).
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "de": "Deutsch", "es": "Español",
                  "it": "Italiano", "nl": "Nederlands", "pt": "Português"}


def pick_locale(supported, *candidates):
    """The first of `supported` languages among the candidates (`fr-FR` counts as `fr`), or
    None."""
    for value in candidates:
        if isinstance(value, str):
            code = value.strip().lower().replace("_", "-").split("-")[0]
            if code in supported:
                return code
    return None


def select_locale():
    """`locale`/`lng` in the request, then the widget run's language, then the browser's."""
    # Each of Flask's proxies looked up once, and no `args.get` of a name the query lacks
    # (werkzeug raises and catches an HTTP exception for it): every request selects its language.
    config, args = current_app.config, request.args
    supported = config["LANGUAGES"]
    return (
        pick_locale(supported, *(args[name] for name in ("locale", "lng") if name in args))
        or pick_locale(supported, g.get("run_locale"))
        # The browser's languages by preference, `nl-BE` counting as `nl`: werkzeug's
        # best_match would take an exact `fr;q=0.5` over a first choice of `nl-BE`.
        or pick_locale(supported, *request.accept_languages.values())
        or config["BABEL_DEFAULT_LOCALE"]
    )


@functools.cache
def parsed_locale(code):
    """Babel's Locale for `code`, parsed once per process: Flask-Babel parses the code its
    selector answers on every request, and takes a Locale as it is."""
    return Locale.parse(code)


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


def request_locale(context):
    """The locale get_locale() would answer, read where it keeps it in `context` (g; force_locale
    sets it there too); get_locale() itself when it is not there yet, or no longer: a third of
    a `_()`."""
    return getattr(context.get("_flask_babel"), "babel_locale", None) or get_locale()


def template_translations():
    """The request's translations, found once per request and locale: a screen calls `_()` a
    dozen times, and Flask-Babel looks its domain and catalogue up again on each call."""
    context = g._get_current_object()  # one lookup of the proxy, not five
    locale = request_locale(context)
    found = context.get("_template_translations")
    if found is None or found[0] is not locale:  # force_locale changes the locale mid-request
        found = context._template_translations = (locale, catalogue(locale))
    return found[1]


def catalogue(locale):
    """get_translations() for `locale`, the request's: Flask-Babel keeps one per language and
    app, and finds it again on each request through `g` six times and the locale's name (a
    fiftieth of a search); here in one look at the app's."""
    catalogues = current_app.extensions.setdefault("widget_catalogues", {})
    found = catalogues.get(locale)
    if found is None:
        found = catalogues[locale] = get_translations()
    return found


def current_locale():
    """The page's language code (`<html lang>`), as str(get_locale())."""
    return str(request_locale(g._get_current_object()))


# A text without variables as a template shows it, per catalogue (Flask-Babel keeps one per
# language and app): the Markup and its `%` cost more than finding it. A few hundred texts per
# language; emptied if ever it holds more than this, as many apps' would (the tests').
SHOWN_TEXTS = {}
MAX_SHOWN_TEXTS = 4096


@pass_context
def template_gettext(context, string, /, **variables):
    """A template's `_()` and `gettext()`: what Jinja's newstyle gettext does (the text as
    Markup when the template escapes, then `%` its variables, always), without its two
    indirections, `_` calling `gettext` which calls ours: a page calls it a dozen times."""
    translations, escaped = template_translations(), context.eval_ctx.autoescape
    if variables:
        text = translations.ugettext(string)
        return (Markup(text) if escaped else text) % variables
    key = (translations, string, escaped)
    shown = SHOWN_TEXTS.get(key)
    if shown is None:
        text = translations.ugettext(string)
        shown = (Markup(text) if escaped else text) % variables
        if len(SHOWN_TEXTS) >= MAX_SHOWN_TEXTS:
            SHOWN_TEXTS.clear()
        SHOWN_TEXTS[key] = shown
    return shown


@pass_context
def template_ngettext(context, singular, plural, num, /, **variables):
    """Jinja's newstyle ngettext, `num` among the variables, in one call (template_gettext)."""
    variables.setdefault("num", num)
    text = template_translations().ungettext(singular, plural, num)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables


def init_app(app):
    Babel(app, locale_selector=lambda: parsed_locale(select_locale()))
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: template_translations().ugettext(s),
        ngettext=lambda s, p, n: template_translations().ungettext(s, p, n),
        pgettext=lambda c, s: template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: template_translations().unpgettext(c, s, p, n),
        newstyle=True)
    # The two the templates call, direct (pgettext and npgettext stay Jinja's: none calls them).
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext,
                                 ngettext=template_ngettext)
    app.cli.add_command(translate)
    app.jinja_env.globals.update(current_locale=current_locale,
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
