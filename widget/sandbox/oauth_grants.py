"""The sandbox Auth server's four grants, over its clients, tokens and codes (oauth_models.py)."""
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError
from flask import current_app

from widget.sandbox import oauth_models as models
from widget.sandbox import users
from widget.sandbox.oauth_rotation import rotate_token, rotation_answer


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = models.CLIENT_AUTH_METHODS


class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = models.CLIENT_AUTH_METHODS

    def authenticate_user(self, username, password):
        user = users.check_user_password(username, password)
        if user is None:
            # RFC 6749 5.2: wrong resource owner credentials are an invalid grant.
            raise InvalidGrantError("Invalid username or password.")
        return user


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """Rotation with a reuse interval: each refresh token serves once, except that within
    `SANDBOX_REFRESH_REUSE_SECONDS` of its rotation it gets the same new pair again (as Auth0
    and Okta do), for a client that lost the answer. The new pair must not be spent yet."""

    TOKEN_ENDPOINT_AUTH_METHODS = models.CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True
    issued = None

    def authenticate_refresh_token(self, refresh_token):
        token = models.find_token(refresh_token=refresh_token)
        if token is None or not token.is_revoked():
            return token
        token.reissue = rotation_answer(
            token, refresh_token, float(current_app.config["SANDBOX_REFRESH_REUSE_SECONDS"]))
        return token if token.reissue else None

    def authenticate_user(self, refresh_token):
        return users.find_user(refresh_token.user_id)

    def create_token_response(self):
        refresh_token = self.request.refresh_token
        if refresh_token.reissue:  # the pair it was traded for moments ago, once more
            return 200, refresh_token.reissue, self.TOKEN_RESPONSE_HEADER
        return super().create_token_response()

    def issue_token(self, user, refresh_token):
        self.issued = super().issue_token(user, refresh_token)
        return self.issued

    def revoke_old_credential(self, refresh_token):
        rotate_token(refresh_token, self.request.form["refresh_token"], self.issued)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = models.CLIENT_AUTH_METHODS

    @staticmethod
    def validate_authorization_redirect_uri(request, client):
        """The checked redirect_uri, normalised: the browser goes exactly where it was checked.

        The code stays bound to the redirect_uri as sent, which the token request must repeat.
        """
        grants.AuthorizationCodeGrant.validate_authorization_redirect_uri(request, client)
        return client.normalised_redirect_uri(request.payload.redirect_uri)

    def save_authorization_code(self, code, request):
        models.save_authorization_code(
            code, request.client.get_client_id(), request.user["id"],
            request.payload.redirect_uri, request.scope,
        )

    def query_authorization_code(self, code, client):
        return models.find_authorization_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code):
        models.delete_authorization_code(authorization_code)

    def authenticate_user(self, authorization_code):
        return users.find_user(authorization_code.user_id)
