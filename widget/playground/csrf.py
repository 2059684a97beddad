"""The playground's own CSRF token, kept in Flask's session and sent back in every form."""
import secrets

from flask import session

from widget.security import posted_token_matches

CSRF_KEY = "playground_csrf"


def csrf_token():
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_valid():
    """True when the posted `csrf_token` is the one in this browser's session."""
    return posted_token_matches(session.get(CSRF_KEY))
