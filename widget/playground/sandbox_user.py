"""The signed-in sandbox user: email and tokens in Flask's server-side session, never a password."""
import secrets
import time

from flask import session

from widget.playground import http_calls
from widget.playground.http_calls import CallFailed

USER_KEY = "playground_user"
# Refresh a little before the end, so the token does not die between our call and the widget's.
REFRESH_MARGIN_SECONDS = 120


class SignInNeeded(Exception):
    """No usable tokens: nobody is signed in, or the refresh token was refused."""


def current_user():
    """The signed-in user's record ({email, access_token, refresh_token, expires_at}) or None."""
    user = session.get(USER_KEY)
    return user if isinstance(user, dict) and user.get("access_token") else None


def _save(email, token):
    expires_in = token.get("expires_in")
    try:
        expires_at = time.time() + float(expires_in)
    except (TypeError, ValueError):
        expires_at = None  # no lifetime given: never refresh ahead of a refusal
    session[USER_KEY] = {"email": email, "access_token": token["access_token"],
                         "refresh_token": token.get("refresh_token"), "expires_at": expires_at}


def forget_user():
    """Sign out, and drop what belonged to that user's runs."""
    for key in (USER_KEY, "playground_connections"):
        session.pop(key, None)


def sign_in(email, password):
    """The password grant; the password is used for this call only."""
    token = http_calls.request_token(grant_type="password", username=email, password=password,
                                     scope=http_calls.USER_SCOPE)
    forget_user()
    _save(email, token)


def sign_up():
    """Create a user with a random email and password, sign in; answer (email, password)."""
    email = "user-%s@sandbox.example" % secrets.token_hex(6)
    password = secrets.token_urlsafe(12)
    http_calls.create_user(email, password)
    sign_in(email, password)
    return email, password


def seconds_left(user):
    if user.get("expires_at") is None:
        return None
    return max(0, int(user["expires_at"] - time.time()))


def refresh(user):
    """Rotate the token pair; a refused refresh token signs the user out (SignInNeeded)."""
    if not user.get("refresh_token"):
        forget_user()
        raise SignInNeeded()
    try:
        token = http_calls.request_token(grant_type="refresh_token",
                                         refresh_token=user["refresh_token"])
    except CallFailed as exc:
        if exc.status == 400:  # invalid_grant: revoked, rotated away or expired
            forget_user()
            raise SignInNeeded() from None
        raise
    _save(user["email"], token)
    return current_user()


def fresh_user():
    """The signed-in user with an access token good for a while (refreshed if near its end)."""
    user = current_user()
    if user is None:
        raise SignInNeeded()
    left = seconds_left(user)
    if left is not None and left < REFRESH_MARGIN_SECONDS:
        user = refresh(user)
    return user


def _as_user(call):
    """`call(access_token)` as the user; one refresh and retry when the token was refused.

    The widget may have rotated the refresh token we handed it, revoking our access token.
    """
    user = fresh_user()
    try:
        return call(user["access_token"])
    except CallFailed as exc:
        if exc.status != 401 or exc.error != "invalid_token":
            raise
    user = refresh(user)
    return call(user["access_token"])


def api_get_as_user(path, params=None):
    """GET on the Accounts API as the user (see `_as_user`)."""
    return _as_user(lambda token: http_calls.api_get(path, token, params))


def api_post_as_user(path, expected):
    """POST without a body on the Accounts API as the user (see `_as_user`)."""
    return _as_user(lambda token: http_calls.api_post(path, token, expected))
