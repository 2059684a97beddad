"""The one place that speaks to the Accounts API, on behalf of one user's tokens."""
import functools
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

import requests
from authlib.integrations.base_client.errors import InvalidTokenError, OAuthError
from requests.structures import CaseInsensitiveDict

from widget.upstream.answer_cache import AnswerCache, SharedList
from widget.upstream.errors import InvalidToken, NetworkError, error_for
from widget.upstream.http_session import (ANSWER_LOST, TokenClient, failure, json_body,
                                          process_session)

Json = Any  # a decoded JSON body: the API's objects are dicts, its lists lists
Timeout = tuple[float, float]


class ProviderPage(NamedTuple):
    """A page of providers; `total` counts them all, or at least, when `capped`, that many."""
    providers: list[Json]
    total: int
    capped: bool


def provider_params(search: str | None, limit: int, offset: int,
                    country: str | None) -> dict[str, Any]:
    """The query of a page of the provider list."""
    return {"search": search or None, "country": country, "limit": limit, "offset": offset}


def provider_page_key(api_base_url: str, client_id: str | None,
                      params: Mapping[str, Any]) -> Hashable:
    """What a page of the provider list is kept under in the process's shared answers."""
    return (api_base_url.rstrip("/"), client_id, "/providers", tuple(sorted(params.items())))


class AccountsApi:
    """Typed calls of the Accounts API v2.1; Authlib refreshes an expired access token.

    `on_token_refreshed(token)` receives each rotated token so the caller can save it back to
    the widget session (the caller holds the session's lock: one refresh at a time).
    """

    def __init__(self, api_base_url: str, token_endpoint: str, token: Mapping[str, Any],
                 client_id: str | None = None, client_secret: str | None = None,
                 on_token_refreshed: Callable[[dict[str, Any]], None] | None = None,
                 timeout: Timeout = (3.05, 15), http: requests.Session | None = None,
                 shared_answers: AnswerCache | None = None,
                 on_first_list: Callable[[], None] | None = None) -> None:
        self.base = api_base_url.rstrip("/")
        self.timeout = timeout
        self.on_token_refreshed = on_token_refreshed
        self.client_id = client_id
        # Answers that are the same for every user of the Client (the provider list), if kept.
        self.shared_answers = shared_answers or AnswerCache(0)
        # Set: this user's first provider list is still to be asked of the upstream itself.
        self.on_first_list = on_first_list
        token = dict(token)
        if not token.get("refresh_token"):
            # Nothing to refresh with: let the API judge the token rather than Authlib's clock.
            token.pop("expires_at", None)
        # The process's session unless one is given (a test records a session of its own).
        self.http: requests.Session = http if http is not None else process_session()
        self._oauth_options = dict(client_id=client_id, client_secret=client_secret, token=token,
                                   token_endpoint=token_endpoint)

    @functools.cached_property
    def oauth(self) -> Any:
        """Authlib's client for the user's token, made at the first call: many requests make
        none (a kept provider page, a poll within its interval under the lock): an htmx search
        4.44 -> 4.39 M instructions."""
        return TokenClient(
            self.http, token_endpoint_auth_method="client_secret_basic",
            update_token=self._token_updated, leeway=30, timeout=self.timeout,
            **self._oauth_options)

    def _token_updated(self, token: Mapping[str, Any], refresh_token: str | None = None,
                       access_token: str | None = None) -> None:
        if self.on_token_refreshed:
            self.on_token_refreshed(dict(token))

    def _can_refresh(self) -> bool:
        return bool(self.oauth.token.get("refresh_token") and self.oauth.client_secret)

    def refresh(self) -> None:
        """Trade the refresh token for a new pair (it rotates), or raise InvalidToken."""
        try:
            self.oauth.refresh_token(self.oauth.metadata["token_endpoint"], timeout=self.timeout)
        except (OAuthError, requests.RequestException, ValueError) as exc:
            raise failure(exc, "POST", self.oauth.metadata["token_endpoint"]) from None

    def request(self, method: str, path: str, json: Json = None,
                params: Mapping[str, Any] | None = None, idempotency_key: str | None = None,
                ) -> tuple[Json, CaseInsensitiveDict[str]]:
        """Send one call; answer (JSON body or None when empty, headers) or raise a typed error.

        A call with an `idempotency_key` (the `Idempotency-Key` header) is sent once more, at
        once, when its answer was lost: the upstream answers the repeat with the first result.
        Without one, a lost answer is a NetworkError, since the call may have been done.
        """
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = self._send(method, path, json, params, headers)
        if response.status_code == 401 and json_body(response).get("error") == "invalid_token" \
                and self._can_refresh():
            # Refused before its announced expiry (revoked, clock skew): refresh once, retry once.
            self.refresh()
            response = self._send(method, path, json, params, headers)
        if response.status_code >= 400:
            raise error_for(response.status_code, json_body(response)).on(method, self.base + path)
        return (json_body(response) if response.content else None), response.headers

    def _send(self, method: str, path: str, json: Json, params: Mapping[str, Any] | None,
              headers: dict[str, str] | None = None) -> requests.Response:
        tries = 2 if headers else 1
        for tried in range(1, tries + 1):
            try:
                response: requests.Response = self.http.request(
                    method, self.base + path, json=json, params=params, headers=headers,
                    auth=self.oauth.token_auth, timeout=self.timeout)
                return response
            except InvalidTokenError:
                raise InvalidToken("invalid_token", "expired and no refresh token") from None
            except ANSWER_LOST as exc:
                if tried == tries:
                    raise NetworkError("network_error", type(exc).__name__).on(
                        method, self.base + path) from None
            except (OAuthError, requests.RequestException, ValueError) as exc:
                raise failure(exc, method, self.base + path) from None
        raise AssertionError("unreachable: the last try returns or raises")

    def _get(self, path: str, **params: Any) -> Json:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})[0]

    # Users and terms
    def me(self) -> Json:
        return self._get("/users/me")

    def terms(self, locale: str | None) -> Json:
        return self._get("/terms", locale=locale)

    def accept_terms(self, version: str) -> Json:
        return self.request("POST", "/users/me/terms", json={"version": version})[0]

    # Providers
    def providers(self, search: str | None = None, limit: int = 50, offset: int = 0,
                  country: str | None = None) -> ProviderPage:
        """A page of the providers matching `search`, of `country` when given. The list is the
        same for every user of the Client, so it may come from `shared_answers`; but a user's
        first list is asked of the upstream itself, which answers there that the user must
        accept new terms first (or that the token no longer works)."""
        params = provider_params(search, limit, offset, country)
        key = provider_page_key(self.base, self.client_id, params)

        def ask() -> ProviderPage:
            body, headers = self.request("GET", "/providers", params=params)
            # An upstream that stops counting says so: then the total is "at least".
            capped = headers.get("X-Total-Count-Capped", "").strip().lower() == "true"
            total = headers.get("X-Total-Count", "").strip()
            # A SharedList: what the widget renders of this page is kept with it (provider_results.py).
            providers = SharedList(body) if isinstance(body, list) else body
            return ProviderPage(providers, int(total) if total.isdigit() else len(body), capped)

        if self.on_first_list is None:
            page: ProviderPage = self.shared_answers.get_or_fetch(key, ask)
            return page
        # The same answer as the one kept keeps the kept one, and what was rendered of it.
        page = self.shared_answers.put(key, ask())
        self.on_first_list()
        self.on_first_list = None
        return page

    def provider(self, provider_id: object) -> Json:
        return self._get("/providers/%s" % _segment(provider_id))

    def authorize_url(self, provider_id: object, definition_id: object, redirect_uri: str,
                      state: str, locale: str | None = None,
                      idempotency_key: str | None = None) -> Json:
        path = "/providers/%s/channel_definitions/%s/authorize_url" % (
            _segment(provider_id), _segment(definition_id))
        body = {"redirect_uri": redirect_uri, "state": state}
        if locale:
            body["locale"] = locale
        return self.request("POST", path, json=body, idempotency_key=idempotency_key)[0]

    # Connections and challenges
    # The calls that change something take the `idempotency_key` of the widget's step.
    def create_connection(self, provider_id: object, definition_id: object,
                          idempotency_key: str | None = None, **auth: Any) -> Json:
        body = {"provider_id": provider_id, "channel_definition_id": definition_id, **auth}
        return self.request("POST", "/connections", json=body, idempotency_key=idempotency_key)[0]

    def connections(self) -> Json:
        """The user's connections (the first 100: more to one bank is not a case to page for)."""
        return self._get("/connections", limit=100)

    def connection(self, connection_id: object) -> Json:
        return self._get("/connections/%s" % _segment(connection_id))

    def add_channel(self, connection_id: object, definition_id: object,
                    idempotency_key: str | None = None, **auth: Any) -> Json:
        """Add a channel to a connection: `credentials=...` or `authorization_code` + `redirect_uri`."""
        body = {"channel_definition_id": definition_id, **auth}
        path = "/connections/%s/channels" % _segment(connection_id)
        return self.request("POST", path, json=body, idempotency_key=idempotency_key)[0]

    def update_credentials(self, connection_id: object, channel_id: object,
                           idempotency_key: str | None = None, **auth: Any) -> Json:
        """Renew a channel: `credentials=...` or `authorization_code` + `redirect_uri`."""
        path = "/connections/%s/channels/%s/credentials" % (_segment(connection_id),
                                                            _segment(channel_id))
        return self.request("PUT", path, json=auth, idempotency_key=idempotency_key)[0]

    def answer_challenge(self, connection_id: object, channel_id: object, challenge_id: object,
                         answer: str, idempotency_key: str | None = None) -> Json:
        path = "/connections/%s/channels/%s/challenges/%s" % (
            _segment(connection_id), _segment(channel_id), _segment(challenge_id))
        return self.request("POST", path, json={"answer": answer},
                            idempotency_key=idempotency_key)[0]

    def set_consents(self, connection_id: object, account_ids: Iterable[str] | None = None,
                     all_accounts: bool = False) -> Json:
        body = {"all_accounts": True} if all_accounts else {"account_ids": list(account_ids or ())}
        return self.request("PUT", "/connections/%s/consents" % _segment(connection_id),
                            json=body)[0]

    def synchronize(self, connection_id: object, idempotency_key: str | None = None) -> Json:
        return self.request("POST", "/connections/%s/synchronize" % _segment(connection_id),
                            idempotency_key=idempotency_key)[0]

    # Accounts, events
    def accounts(self, connection_id: object = None) -> Json:
        return self._get("/accounts", connection_id=connection_id)

    def update_account(self, account_id: object, usage: str, company_name: str | None = None,
                       siren: str | None = None) -> Json:
        body = {"usage": usage, "company_name": company_name, "siren": siren}
        return self.request("PUT", "/accounts/%s" % _segment(account_id), json=body)[0]

    def events(self, after: object = None, limit: int = 100) -> Json:
        return self._get("/events", after=after, limit=limit)


def _segment(value: object) -> str:
    """An id as one URL path segment: anything that could climb the path is refused."""
    text = str(value)
    if not text or "/" in text or text in (".", "..") or "?" in text or "#" in text:
        raise error_for(404, {"error": "not_found"})
    return quote(text, safe="")
