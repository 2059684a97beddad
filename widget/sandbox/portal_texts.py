"""Texts of the sandbox's own pages (bank portal, authorization page), in its languages."""
from flask import request

from widget.sandbox.texts import TEXTS, language_of


def _browser_language():
    """The first of the browser's languages (by preference) the sandbox speaks, or None."""
    for value in request.accept_languages.values():
        code = value.split("-")[0].lower()
        if code in TEXTS:
            return code
    return None


def portal_texts():
    """The texts in the language asked by `lng`, else the browser's, else French."""
    locale = language_of((request.args.get("lng") or "").lower() or _browser_language())
    return {**TEXTS[locale]["portal"], "lang": locale}
