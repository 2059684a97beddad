"""The upstream aggregator: its Auth server and Accounts API, reached over HTTP only."""
from flask import current_app

from widget.upstream.accounts_api import AccountsApi
from widget.upstream.errors import (  # noqa: F401  (the names views catch)
    ActionRequired, BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, NotFound,
    ProviderUnavailable, ServerError, Unauthorized, UpstreamError, log_failure,
)
from widget.upstream.in_process import INTERNAL_ORIGIN


def token_endpoint():
    """The Auth server's token URL: configured, else the embedded sandbox's, in-process."""
    base = current_app.config.get("AUTH_BASE_URL") or INTERNAL_ORIGIN + "/sandbox/auth"
    return base.rstrip("/") + "/token"


def api_base_url():
    """The Accounts API root: configured, else the embedded sandbox's, in-process."""
    return current_app.config.get("API_BASE_URL") or INTERNAL_ORIGIN + "/sandbox/api/v2.1"


def timeouts():
    return (current_app.config["UPSTREAM_CONNECT_TIMEOUT"], current_app.config["UPSTREAM_READ_TIMEOUT"])


def api_for(widget_session):
    """An AccountsApi acting with this widget session's tokens; refreshed tokens are saved back."""

    def save_token(token):
        widget_session["token"] = {k: token.get(k) for k in
                                   ("access_token", "refresh_token", "token_type", "expires_at")}

    return AccountsApi(
        api_base_url(), token_endpoint(), widget_session["token"],
        client_id=widget_session.get("client_id"),
        client_secret=widget_session.get("client_secret"),
        on_token_refreshed=save_token, timeout=timeouts(),
    )
