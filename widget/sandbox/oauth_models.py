"""Clients, tokens and authorization codes over sqlite3, shaped for Authlib's mixins."""
import hashlib
import hmac
import json

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list

from widget.redirect_urls import normalised_redirect
from widget.sandbox.clock import now
from widget.sandbox.db import get_db
from widget.sandbox.seed import secret_digest
from widget.sandbox.users import find_user

CLIENT_SCOPES = ["users_create"]
USER_SCOPES = ["profile", "accounts_manage", "connections_manage", "connections_sync",
               "transactions_read"]
ALL_SCOPES = CLIENT_SCOPES + USER_SCOPES
GRANT_TYPES = {"client_credentials", "password", "refresh_token", "authorization_code"}
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
AUTHORIZATION_CODE_LIFETIME = 600


def token_digest(value):
    """Tokens and codes are stored as digests: a copy of the database opens no account."""
    return hashlib.sha256(value.encode()).hexdigest()


class Client(ClientMixin):
    """A registered Client (the integrator), e.g. `demo-client`."""

    def __init__(self, row):
        self.client_id = row["client_id"]
        self.secret_sha256 = row["secret_sha256"]
        self.redirect_uris = json.loads(row["redirect_uris"])

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None  # every authorization request must name its redirect_uri

    def get_allowed_scope(self, scope):
        return list_to_scope([s for s in scope_to_list(scope) or [] if s in ALL_SCOPES])

    def check_redirect_uri(self, redirect_uri):
        return self.normalised_redirect_uri(redirect_uri) is not None

    def normalised_redirect_uri(self, redirect_uri):
        """`redirect_uri` as a browser will load it, when registered; else None."""
        return normalised_redirect(redirect_uri, self.redirect_uris)

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(secret_digest(client_secret), self.secret_sha256)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in CLIENT_AUTH_METHODS

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in GRANT_TYPES


class Token(TokenMixin):
    """An access token and the refresh token issued with it (one row, revoked together)."""

    def __init__(self, row):
        self.id = row["id"]
        self.client_id = row["client_id"]
        self.user_id = row["user_id"]
        self.scope = row["scope"]
        self.issued_at = row["issued_at"]
        self.expires_in = row["expires_in"]
        self.revoked = bool(row["revoked"])
        self.reissue = None  # within the reuse interval: the answer its rotation gave


    def check_client(self, client):
        return client.get_client_id() == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return now() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.revoked

    def get_user(self):
        return find_user(self.user_id)

    def get_client(self):
        return find_client(self.client_id)


class AuthorizationCode(AuthorizationCodeMixin):
    """A code of the authorization-code flow, bound to a client, a user and a redirect_uri."""

    def __init__(self, row):
        self.code_sha256 = row["code_sha256"]
        self.user_id = row["user_id"]
        self.redirect_uri = row["redirect_uri"]
        self.scope = row["scope"]

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope


def find_client(client_id):
    row = get_db().execute("SELECT * FROM clients WHERE client_id = ?", (client_id,)).fetchone()
    return Client(row) if row else None


def find_token(access_token=None, refresh_token=None):
    column, value = ("access_sha256", access_token) if access_token else (
        "refresh_sha256", refresh_token)
    row = get_db().execute(
        f"SELECT * FROM tokens WHERE {column} = ?", (token_digest(value),)
    ).fetchone()
    return Token(row) if row else None


def save_token(token, request):
    """Store what the token endpoint issued (Authlib's `save_token` hook)."""
    user = request.user
    get_db().execute(
        "INSERT INTO tokens (client_id, user_id, access_sha256, refresh_sha256, scope,"
        " issued_at, expires_in) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            request.client.get_client_id(),
            user["id"] if user is not None else None,
            token_digest(token["access_token"]),
            token_digest(token["refresh_token"]) if token.get("refresh_token") else None,
            token.get("scope", ""),
            now(),
            token["expires_in"],
        ),
    )


def save_authorization_code(code, client_id, user_id, redirect_uri, scope):
    get_db().execute(
        "INSERT INTO authorization_codes VALUES (?, ?, ?, ?, ?, ?)",
        (token_digest(code), client_id, user_id, redirect_uri, scope or "", now()),
    )


def find_authorization_code(code, client_id):
    """A code issued to that client in the last ten minutes, or None."""
    row = get_db().execute(
        "SELECT * FROM authorization_codes WHERE code_sha256 = ? AND client_id = ?"
        " AND issued_at > ?",
        (token_digest(code), client_id, now() - AUTHORIZATION_CODE_LIFETIME),
    ).fetchone()
    return AuthorizationCode(row) if row else None


def delete_authorization_code(authorization_code):
    get_db().execute(
        "DELETE FROM authorization_codes WHERE code_sha256 = ?", (authorization_code.code_sha256,)
    )
