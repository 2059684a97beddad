"""What every playground page needs: the chosen language in links, and the template globals."""
from flask import current_app, request, url_for
from flask_babel import format_currency

from widget.i18n import LANGUAGE_NAMES
from widget.playground import bp
from widget.playground.csrf import csrf_token
from widget.public_url import external_url


def explicit_language():
    """The language asked for in the URL (`lng`/`locale`), or None when the browser's is used."""
    for name in ("lng", "locale"):
        code = request.args.get(name, "").strip().lower()[:2]
        if code in current_app.config["LANGUAGES"]:
            return code
    return None


def lang_args():
    """Query arguments that keep the language asked for in the URL across our own links."""
    code = explicit_language()
    return {"lng": code} if code else {}


def return_page_url():
    """The absolute URL of the return page: the default `redirect_url` of widget sessions."""
    return external_url("playground.return_page", **lang_args())


def languages():
    """(code, name in itself) of each language the service speaks."""
    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]]


def language_links():
    """(code, name, URL) for switching this page's language; a POST's page switches home."""
    if request.method == "GET" and request.endpoint:
        endpoint = request.endpoint
        args = {k: v for k, v in request.args.items() if k not in ("lng", "locale")}
    else:
        endpoint, args = "playground.home", {}
    return [(code, name, url_for(endpoint, **args, lng=code)) for code, name in languages()]


def money(amount, currency):
    """An amount in the page's language; the raw value when it is not a number."""
    try:
        return format_currency(float(amount), currency or "EUR")
    except (TypeError, ValueError, KeyError):
        return "" if amount is None else str(amount)


@bp.context_processor
def page_globals():
    return {"csrf_token": csrf_token, "lang_args": lang_args, "language_links": language_links,
            "languages": languages, "money": money}
