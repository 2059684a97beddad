"""The sandbox Auth server: the token endpoint, the authorization page and the token checks."""
import base64
import binascii
import re

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidScopeError
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Blueprint, current_app, render_template, request

from widget.sandbox import oauth_models as models
from widget.sandbox import users
from widget.sandbox.oauth_grants import (
    AuthorizationCodeGrant, ClientCredentialsGrant, PasswordGrant, RefreshTokenGrant,
)
from widget.sandbox.portal_texts import portal_texts

bp = Blueprint("sandbox_auth", __name__)
# What an authorization request's response_type (RFC 6749 A.3) and redirect_uri (RFC 3986
# section 2) are made of. Authlib quotes them in its error descriptions, and refuses to build
# an error whose description holds `"`, a backslash or a character outside printable ASCII.
RESPONSE_TYPE = re.compile(r"[A-Za-z0-9_ ]*")
URI = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*")


def generate_bearer_token(grant_type, client, user=None, scope=None, expires_in=None,
                          include_refresh_token=True):
    """Authlib token generator: client tokens only create users, user tokens do the rest."""
    allowed = models.CLIENT_SCOPES if grant_type == "client_credentials" else models.USER_SCOPES
    requested = scope_to_list(client.get_allowed_scope(scope))
    granted = [s for s in requested if s in allowed] if requested else allowed
    if not granted:
        raise InvalidScopeError()
    token = {
        "token_type": "Bearer",
        "access_token": generate_token(42),
        "expires_in": int(current_app.config["SANDBOX_ACCESS_TOKEN_TTL"]),
        "scope": list_to_scope(granted),
    }
    if include_refresh_token:
        token["refresh_token"] = generate_token(48)
    return token


class SandboxAuthorizationServer(AuthorizationServer):
    """Authlib's server, answering 401 to every failed client authentication (RFC 6749 5.2)."""

    def handle_error_response(self, request, error):
        if error.error == "invalid_client":
            error.status_code = 401
        return super().handle_error_response(request, error)


class SandboxBearerTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        return models.find_token(access_token=token_string)


# Both objects read the app's config and database through flask's globals at call time, so
# one instance serves every app the process builds.
server = SandboxAuthorizationServer(query_client=models.find_client, save_token=models.save_token)
server.register_token_generator("default", generate_bearer_token)
server.scopes_supported = models.ALL_SCOPES
for grant in (ClientCredentialsGrant, PasswordGrant, RefreshTokenGrant, AuthorizationCodeGrant):
    server.register_grant(grant)

protector = ResourceProtector()
protector.register_token_validator(SandboxBearerTokenValidator())


@bp.post("/token")
def issue_token():
    """The OAuth2 token endpoint (RFC 6749): the four grants, form-encoded."""
    if not _basic_credentials_decode():
        return server.handle_error_response(request, InvalidClientError(
            description="Basic credentials must be UTF-8 (RFC 7617)."))
    return server.create_token_response()


def _basic_credentials_decode():
    """False when Basic credentials are sent that are not UTF-8, the only charset of RFC 7617.

    Authlib decodes them as UTF-8 without catching the error (a latin-1 `é` was a 500).
    """
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return True
    try:
        base64.b64decode(value.strip()).decode("utf-8")
    except binascii.Error:
        return True  # not Basic credentials at all: Authlib ignores them, as before
    except UnicodeDecodeError:
        return False
    return True


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    """The authorization-code flow: a sandbox user logs in, then allows or denies the client."""
    texts = portal_texts()
    if not (RESPONSE_TYPE.fullmatch(request.values.get("response_type", ""))
            and URI.fullmatch(request.values.get("redirect_uri", ""))):
        return render_template(
            "sandbox/message.html", texts=texts, title=texts["request_invalid"],
            message=texts["request_invalid_text"],
        ), 400
    try:
        grant = server.get_consent_grant(end_user=None)
    except OAuth2Error as error:
        if error.redirect_uri:  # the client is known and its redirect_uri checked
            return server.handle_error_response(request, error)
        return render_template(
            "sandbox/message.html", texts=texts, title=texts["request_invalid"],
            message=error.description or error.error,
        ), 400
    client_id = grant.client.get_client_id()
    if request.method == "GET":
        return render_template("sandbox/authorize.html", texts=texts, client_id=client_id)
    if request.form.get("decision") != "approve":
        return server.create_authorization_response(grant_user=None, grant=grant)
    user = users.check_user_password(
        request.form.get("email", ""), request.form.get("password", "")
    )
    if user is None:
        return render_template(
            "sandbox/authorize.html", texts=texts, client_id=client_id,
            email=request.form.get("email", ""), error=texts["wrong_user_password"],
        ), 401
    return server.create_authorization_response(grant_user=user, grant=grant)
