"""The HTTP session the upstream clients send with: one per process, on the process's
connection pool (and in-process for an embedded upstream); the user's token goes with each
call; a token refresh repeated once when its answer was lost; a failed call turned into the
typed error of widget/upstream/errors.py."""
import http.cookiejar
import threading
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.requests_client.oauth2_session import OAuth2Auth, OAuth2ClientAuth
from authlib.oauth2.client import OAuth2Client
from requests.adapters import HTTPAdapter

from widget.upstream.call_preparation import prepare_quickly
from widget.upstream.errors import InvalidToken, NetworkError, ServerError, UpstreamError
from widget.upstream.in_process import mount

# One pool for the whole process: every user's session borrows its connections.
POOL = HTTPAdapter(pool_connections=8, pool_maxsize=32, max_retries=0)
# No answer: the call may have been done upstream, or not.
ANSWER_LOST = (requests.Timeout, requests.ConnectionError)


Session = TypeVar("Session", bound=requests.Session)


def pooled(session: Session) -> Session:
    """`session` on the process's connection pool, and in-process for the embedded sandbox."""
    session.mount("http://", POOL)
    session.mount("https://", POOL)
    mount(session)
    return session


class ProcessSession(requests.Session):
    """A requests session shared by the process's threads, which reads the environment's
    proxy and CA bundle settings once per origin instead of on every call (about a third of
    a call's cost in requests: `merge_environment_settings`). The upstream's origins are fixed
    at start-up, so what the environment says of them does not change while the process runs.
    Its calls are prepared without requests' protocol checks (`call_preparation.py`).
    """

    def __init__(self) -> None:
        super().__init__()
        # Shared by every user's calls: a cookie an upstream sets for one must never go with
        # another's. The API authenticates by token; no call needs a cookie.
        self.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._environment: dict[Any, Any] = {}
        self._environment_lock = threading.Lock()

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        return prepare_quickly(self, request) or super().prepare_request(request)

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> Any:
        if proxies or stream is not None or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        origin = tuple(urlsplit(url)[:2])
        settings = self._environment.get(origin)
        if settings is None:
            settings = super().merge_environment_settings(url, {}, None, None, None)
            with self._environment_lock:
                self._environment[origin] = settings
        return dict(settings)


_shared: ProcessSession | None = None
_shared_lock = threading.Lock()


def process_session() -> ProcessSession:
    """The process's one upstream session (made on first use: after a fork, in each worker)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = pooled(ProcessSession())
    return _shared


def json_body(response: requests.Response) -> Any:
    """The answer's JSON, or {} when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return {}


class TokenClient(OAuth2Client):  # type: ignore[misc]  # Authlib has no type hints
    """Authlib's OAuth 2 client for one user's token, sending on a shared `session`; its
    `token_auth` signs a call with the token, refreshing it first when it has expired.

    Authlib's OAuth2Session is this client and a new requests.Session in one object, made for
    every widget request: a new connection pool and environment lookups each time.

    A refresh whose answer was lost is asked once more.

    Refresh tokens rotate: the lost answer may hold the only pair that still works. The Auth
    server's reuse interval gives the same pair again for the same refresh token (docs/
    sandbox-api.md), so repeating the refresh at once is safe.
    """

    client_auth_class = OAuth2ClientAuth
    token_auth_class = OAuth2Auth
    oauth_error_class = OAuthError
    SESSION_REQUEST_PARAMS = OAuth2Session.SESSION_REQUEST_PARAMS

    def __init__(self, session: requests.Session, *args: Any,
                 timeout: tuple[float, float] = (3.05, 15), **kwargs: Any) -> None:
        super().__init__(session, *args, **kwargs)
        self.timeout = timeout

    def refresh_token(self, url: str | None = None, **kwargs: Any) -> Any:
        # The refresh Authlib makes by itself before a call with an expired token has a timeout too.
        kwargs.setdefault("timeout", self.timeout)
        try:
            return super().refresh_token(url, **kwargs)
        except ANSWER_LOST:
            pass
        try:
            return super().refresh_token(url, **kwargs)
        except ANSWER_LOST as exc:
            raise NetworkError("network_error", type(exc).__name__).on(
                "POST", url or self.metadata.get("token_endpoint") or "") from None


def failure(exc: Exception, method: str, url: str) -> UpstreamError:
    """The typed error for a failed call, the token refresh Authlib makes before it included,
    marked with the call that failed (the request an exception of requests carries, if any)."""
    sent = getattr(exc, "request", None)
    if sent is not None and getattr(sent, "url", None):
        method, url = sent.method, sent.url
    error: UpstreamError
    if isinstance(exc, OAuthError):  # the Auth server refused the refresh token
        error = InvalidToken(exc.error or "invalid_grant", exc.description or "")
    elif isinstance(exc, (requests.HTTPError, ValueError)):  # a 5xx or a body that is not JSON
        answer = getattr(exc, "response", None)
        error = ServerError("auth_server_error", type(exc).__name__,
                            status=answer.status_code if answer is not None else None)
    else:
        error = NetworkError("network_error", type(exc).__name__)
    return error.on(method, url)
