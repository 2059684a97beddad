"""The one place that speaks to the Accounts API, on behalf of one user's tokens."""
import requests
from authlib.integrations.base_client.errors import InvalidTokenError, OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import HTTPAdapter

from widget.upstream.errors import InvalidToken, NetworkError, ServerError, error_for
from widget.upstream.in_process import mount

# One pool for the whole process: every user's session borrows its connections.
POOL = HTTPAdapter(pool_connections=8, pool_maxsize=32, max_retries=0)
# No answer: the call may have been done upstream, or not.
ANSWER_LOST = (requests.Timeout, requests.ConnectionError)


def pooled(session):
    """`session` on the process's connection pool, and in-process for the embedded sandbox."""
    session.mount("http://", POOL)
    session.mount("https://", POOL)
    return mount(session)


def _json(response):
    try:
        return response.json()
    except ValueError:
        return {}


class RotatingSession(OAuth2Session):
    """Authlib's session, asking once more for a refresh whose answer was lost.

    Refresh tokens rotate: the lost answer may hold the only pair that still works. The Auth
    server's reuse interval gives the same pair again for the same refresh token (docs/
    sandbox-api.md), so repeating the refresh at once is safe.
    """

    def refresh_token(self, url=None, **kwargs):
        try:
            return super().refresh_token(url, **kwargs)
        except ANSWER_LOST:
            pass
        try:
            return super().refresh_token(url, **kwargs)
        except ANSWER_LOST as exc:
            raise NetworkError("network_error", type(exc).__name__).on(
                "POST", url or self.metadata.get("token_endpoint") or "") from None


class AccountsApi:
    """Typed calls of the Accounts API v2.1; Authlib refreshes an expired access token.

    `on_token_refreshed(token)` receives each rotated token so the caller can save it back to
    the widget session (the caller holds the session's lock: one refresh at a time).
    """

    def __init__(self, api_base_url, token_endpoint, token, client_id=None, client_secret=None,
                 on_token_refreshed=None, timeout=(3.05, 15)):
        self.base = api_base_url.rstrip("/")
        self.timeout = timeout
        self.on_token_refreshed = on_token_refreshed
        token = dict(token)
        if not token.get("refresh_token"):
            # Nothing to refresh with: let the API judge the token rather than Authlib's clock.
            token.pop("expires_at", None)
        self.http = pooled(RotatingSession(
            client_id, client_secret, token=token, token_endpoint=token_endpoint,
            token_endpoint_auth_method="client_secret_basic", update_token=self._token_updated,
            leeway=30, default_timeout=timeout,  # the refresh Authlib makes by itself too
        ))

    def _token_updated(self, token, refresh_token=None, access_token=None):
        if self.on_token_refreshed:
            self.on_token_refreshed(dict(token))

    def _can_refresh(self):
        return bool(self.http.token.get("refresh_token") and self.http.client_secret)

    def refresh(self):
        """Trade the refresh token for a new pair (it rotates), or raise InvalidToken."""
        try:
            self.http.refresh_token(self.http.metadata["token_endpoint"], timeout=self.timeout)
        except (OAuthError, requests.RequestException, ValueError) as exc:
            raise _failure(exc, "POST", self.http.metadata["token_endpoint"]) from None

    def request(self, method, path, json=None, params=None, idempotency_key=None):
        """Send one call; answer (JSON body or None when empty, headers) or raise a typed error.

        A call with an `idempotency_key` (the `Idempotency-Key` header) is sent once more, at
        once, when its answer was lost: the upstream answers the repeat with the first result.
        Without one, a lost answer is a NetworkError, since the call may have been done.
        """
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = self._send(method, path, json, params, headers)
        if response.status_code == 401 and _json(response).get("error") == "invalid_token" \
                and self._can_refresh():
            # Refused before its announced expiry (revoked, clock skew): refresh once, retry once.
            self.refresh()
            response = self._send(method, path, json, params, headers)
        if response.status_code >= 400:
            raise error_for(response.status_code, _json(response)).on(method, self.base + path)
        return (_json(response) if response.content else None), response.headers

    def _send(self, method, path, json, params, headers=None):
        tries = 2 if headers else 1
        for tried in range(1, tries + 1):
            try:
                return self.http.request(method, self.base + path, json=json, params=params,
                                         headers=headers, timeout=self.timeout)
            except InvalidTokenError:
                raise InvalidToken("invalid_token", "expired and no refresh token") from None
            except ANSWER_LOST as exc:
                if tried == tries:
                    raise NetworkError("network_error", type(exc).__name__).on(
                        method, self.base + path) from None
            except (OAuthError, requests.RequestException, ValueError) as exc:
                raise _failure(exc, method, self.base + path) from None

    def _get(self, path, **params):
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})[0]

    # Users and terms
    def me(self):
        return self._get("/users/me")

    def terms(self, locale):
        return self._get("/terms", locale=locale)

    def accept_terms(self, version):
        return self.request("POST", "/users/me/terms", json={"version": version})[0]

    # Providers
    def providers(self, search=None, limit=50, offset=0):
        """(providers, total) matching `search`."""
        body, headers = self.request("GET", "/providers", params={
            "search": search or None, "limit": limit, "offset": offset})
        return body, int(headers.get("X-Total-Count", len(body)))

    def provider(self, provider_id):
        return self._get("/providers/%s" % _segment(provider_id))

    def authorize_url(self, provider_id, definition_id, redirect_uri, state, locale=None,
                      idempotency_key=None):
        path = "/providers/%s/channel_definitions/%s/authorize_url" % (
            _segment(provider_id), _segment(definition_id))
        body = {"redirect_uri": redirect_uri, "state": state}
        if locale:
            body["locale"] = locale
        return self.request("POST", path, json=body, idempotency_key=idempotency_key)[0]

    # Connections and challenges
    # The calls that change something take the `idempotency_key` of the widget's step.
    def create_connection(self, provider_id, definition_id, idempotency_key=None, **auth):
        body = {"provider_id": provider_id, "channel_definition_id": definition_id, **auth}
        return self.request("POST", "/connections", json=body, idempotency_key=idempotency_key)[0]

    def connection(self, connection_id):
        return self._get("/connections/%s" % _segment(connection_id))

    def add_channel(self, connection_id, definition_id, idempotency_key=None, **auth):
        """Add a channel to a connection: `credentials=...` or `authorization_code` + `redirect_uri`."""
        body = {"channel_definition_id": definition_id, **auth}
        path = "/connections/%s/channels" % _segment(connection_id)
        return self.request("POST", path, json=body, idempotency_key=idempotency_key)[0]

    def update_credentials(self, connection_id, channel_id, idempotency_key=None, **auth):
        """Renew a channel: `credentials=...` or `authorization_code` + `redirect_uri`."""
        path = "/connections/%s/channels/%s/credentials" % (_segment(connection_id),
                                                            _segment(channel_id))
        return self.request("PUT", path, json=auth, idempotency_key=idempotency_key)[0]

    def answer_challenge(self, connection_id, channel_id, challenge_id, answer,
                         idempotency_key=None):
        path = "/connections/%s/channels/%s/challenges/%s" % (
            _segment(connection_id), _segment(channel_id), _segment(challenge_id))
        return self.request("POST", path, json={"answer": answer},
                            idempotency_key=idempotency_key)[0]

    def set_consents(self, connection_id, account_ids=None, all_accounts=False):
        body = {"all_accounts": True} if all_accounts else {"account_ids": list(account_ids)}
        return self.request("PUT", "/connections/%s/consents" % _segment(connection_id),
                            json=body)[0]

    def synchronize(self, connection_id, idempotency_key=None):
        return self.request("POST", "/connections/%s/synchronize" % _segment(connection_id),
                            idempotency_key=idempotency_key)[0]

    # Accounts, events
    def accounts(self, connection_id=None):
        return self._get("/accounts", connection_id=connection_id)

    def update_account(self, account_id, usage, company_name=None, siren=None):
        body = {"usage": usage, "company_name": company_name, "siren": siren}
        return self.request("PUT", "/accounts/%s" % _segment(account_id), json=body)[0]

    def events(self, after=None, limit=100):
        return self._get("/events", after=after, limit=limit)


def _failure(exc, method, url):
    """The typed error for a failed call, the token refresh Authlib makes before it included,
    marked with the call that failed (the request an exception of requests carries, if any)."""
    sent = getattr(exc, "request", None)
    if sent is not None and getattr(sent, "url", None):
        method, url = sent.method, sent.url
    if isinstance(exc, OAuthError):  # the Auth server refused the refresh token
        error = InvalidToken(exc.error or "invalid_grant", exc.description or "")
    elif isinstance(exc, (requests.HTTPError, ValueError)):  # a 5xx or a body that is not JSON
        answer = getattr(exc, "response", None)
        error = ServerError("auth_server_error", type(exc).__name__,
                            status=answer.status_code if answer is not None else None)
    else:
        error = NetworkError("network_error", type(exc).__name__)
    return error.on(method, url)


def _segment(value):
    """An id as one URL path segment: anything that could climb the path is refused."""
    text = str(value)
    if not text or "/" in text or text in (".", "..") or "?" in text or "#" in text:
        raise error_for(404, {"error": "not_found"})
    return requests.utils.quote(text, safe="")
