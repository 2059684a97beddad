"""The Accounts API's bearer-token check (RFC 6750 section 2.1), without Authlib's machinery.

Why: Authlib's ResourceProtector built a request object of its own for each call (its URL
rebuilt from the environ), looked the validator up and sent a signal no one listens to: about
half of a call's token check once the sandbox kept its connections (thread_connections.py).
The check is the same, in the same order: the Authorization header, the token's row, its
expiry and revocation, then the scope the call needs.
"""
from authlib.oauth2.rfc6749.util import scope_to_list
from flask import request

from widget.sandbox.oauth_models import find_token


class TokenRefused(Exception):
    """No usable bearer token: missing, not Bearer, unknown, expired or revoked."""


class ScopeRefused(Exception):
    """A usable token without the scope the call needs."""


def bearer_token(scope=None):
    """The request's access token (oauth_models.Token), if it is usable and has `scope`."""
    header = request.headers.get("Authorization")
    parts = header.split(None, 1) if header else ()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise TokenRefused()
    token = find_token(access_token=parts[1])
    if token is None or token.is_expired() or token.is_revoked():
        raise TokenRefused()
    if scope and scope not in (scope_to_list(token.get_scope()) or ()):
        raise ScopeRefused()
    return token
