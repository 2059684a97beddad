"""The upstream aggregator: its Auth server and Accounts API, reached over HTTP only."""
from flask import current_app

from widget.upstream.accounts_api import AccountsApi
from widget.upstream.answer_cache import AnswerCache
from widget.upstream.errors import (  # noqa: F401  (the names views catch)
    ActionRequired, BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, NotFound,
    ProviderUnavailable, ServerError, Unauthorized, UpstreamError, log_failure,
)


def use_by_default(app, auth_base_url, api_base_url):
    """An upstream embedded in `app` answers where AUTH_BASE_URL and API_BASE_URL are not set."""
    app.extensions["default_upstream"] = {"AUTH_BASE_URL": auth_base_url,
                                          "API_BASE_URL": api_base_url}


def embedded_base_url(name: str) -> str:
    """The embedded upstream's AUTH_BASE_URL or API_BASE_URL, whatever the configuration says."""
    return current_app.extensions["default_upstream"][name]


def _base_url(name: str) -> str:
    return current_app.config.get(name) or embedded_base_url(name)


def token_endpoint():
    """The Auth server's token URL: configured, else the embedded upstream's."""
    return _base_url("AUTH_BASE_URL").rstrip("/") + "/token"


def api_base_url() -> str:
    """The Accounts API root: configured, else the embedded upstream's."""
    return _base_url("API_BASE_URL")


def timeouts():
    return (current_app.config["UPSTREAM_CONNECT_TIMEOUT"], current_app.config["UPSTREAM_READ_TIMEOUT"])


def api_for(widget_session):
    """An AccountsApi acting with this widget session's tokens; refreshed tokens are saved back."""

    def save_token(token):
        widget_session["token"] = {k: token.get(k) for k in
                                   ("access_token", "refresh_token", "token_type", "expires_at")}

    def listed():
        widget_session["providers_listed"] = True

    return AccountsApi(
        api_base_url(), token_endpoint(), widget_session["token"],
        client_id=widget_session.get("client_id"),
        client_secret=widget_session.get("client_secret"),
        on_token_refreshed=save_token, timeout=timeouts(),
        shared_answers=shared_answers(),
        # The session's first provider list is asked of the upstream (it may want new terms).
        on_first_list=None if widget_session.get("providers_listed") else listed,
    )


def shared_answers() -> AnswerCache:
    """The app's cache of answers that are the same for every user (upstream/answer_cache.py)."""
    app = current_app._get_current_object()
    cache = app.extensions.get("upstream_answers")
    if cache is None:  # one per app: apps in one process (tests) have upstreams of their own
        cache = app.extensions.setdefault(
            "upstream_answers", AnswerCache(app.config["PROVIDER_CACHE_SECONDS"]))
    return cache
