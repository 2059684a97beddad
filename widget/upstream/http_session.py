"""The HTTP sessions the upstream clients send with: on the process's connection pool (and
in-process for an embedded upstream), a token refresh repeated once when its answer was lost,
and a failed call turned into the typed error of widget/upstream/errors.py."""
from typing import Any, TypeVar

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import HTTPAdapter

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


def json_body(response: requests.Response) -> Any:
    """The answer's JSON, or {} when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return {}


class RotatingSession(OAuth2Session):  # type: ignore[misc]  # Authlib has no type hints
    """Authlib's session, asking once more for a refresh whose answer was lost.

    Refresh tokens rotate: the lost answer may hold the only pair that still works. The Auth
    server's reuse interval gives the same pair again for the same refresh token (docs/
    sandbox-api.md), so repeating the refresh at once is safe.
    """

    def refresh_token(self, url: str | None = None, **kwargs: Any) -> Any:
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
