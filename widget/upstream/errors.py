"""Typed failures of the Auth server and the Accounts API."""
import logging
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger("passerelle.upstream")


class UpstreamError(Exception):
    """Any failure to get a usable answer from the upstream."""

    status: int | None = None
    call = ""  # "METHOD /path" of the call that failed: never its query, headers or body

    def __init__(self, code: str = "upstream_error", description: str = "",
                 status: int | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status or self.status} {code}: {description}")
        self.code = code
        self.description = description
        self.body = body or {}
        if status is not None:
            self.status = status

    def on(self, method: str, url: str) -> "UpstreamError":
        """This error, marked with the call it answers (for the log)."""
        self.call = "%s %s" % (method, urlsplit(url).path)
        return self

    def cause(self) -> str:
        """What went wrong, for the log: the status and error code, or the network failure."""
        if self.status:
            return "HTTP %s %s" % (self.status, self.code[:64])
        return "%s (%s)" % (self.code[:64], self.description[:64] or "no answer")


def log_failure(error: UpstreamError, answer: str) -> None:
    """Log an upstream failure that the widget turns into `answer` (nothing secret in it)."""
    logger.warning("upstream failure: %s: %s on %s; answered %s", type(error).__name__,
                   error.cause(), error.call or "an upstream call", answer)


class BadRequest(UpstreamError):
    status = 400


class Unauthorized(UpstreamError):
    status = 401


class InvalidToken(Unauthorized):
    """The access token was refused and no refresh worked: the session has expired."""


class ActionRequired(Unauthorized):
    """The user must do something first (accept the terms)."""


class Forbidden(UpstreamError):
    status = 403


class NotFound(UpstreamError):
    status = 404


class Conflict(UpstreamError):
    status = 409


class ServerError(UpstreamError):
    status = 500


class ProviderUnavailable(ServerError):
    status = 503


class NetworkError(UpstreamError):
    """No answer: connection refused or dropped, or a timeout."""


BY_STATUS = {400: BadRequest, 403: Forbidden, 404: NotFound, 409: Conflict, 503: ProviderUnavailable}


def error_for(status: int, body: object) -> UpstreamError:
    """The exception for an error answer of the API."""
    body = body if isinstance(body, dict) else {}
    code = str(body.get("error") or "http_%d" % status)
    description = str(body.get("error_description") or "")
    cls: type[UpstreamError]
    if status == 401:
        cls = ActionRequired if code == "action_required" else InvalidToken
    else:
        cls = BY_STATUS.get(status) or (ServerError if status >= 500 else UpstreamError)
    return cls(code, description, status=status, body=body)
