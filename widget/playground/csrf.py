"""The playground's own CSRF token, kept in Flask's session and sent back in every form."""
import hmac
import secrets

from flask import request, session

CSRF_KEY = "playground_csrf"


def csrf_token():
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_valid():
    """True when the posted `csrf_token` is the one in this browser's session."""
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY)
    return (isinstance(expected, str) and bool(sent)
            and hmac.compare_digest(sent.encode(), expected.encode()))
