"""A waiting screen's quiet poll answered again before Flask: the same status and headers the app
gave that same poll, when the app would give them again.

Most polls of a waiting screen get a 204 that this process already gave (poll_hints.py): the
session's record unchanged, no look due. Given by the view, that 204 still went through all of
Flask's request (its contexts, the URL's routing, the limiter's check, every after_request
function): about half of such a poll's work. The answer the app gave is kept as it left the app
(status, and headers with the security policy, `Cache-Control` and `Vary` on them) beside the
poll as it reached the app, and given again when the same poll (path, query, poller, htmx, scheme
and host: byte for byte) comes for the same record, its hint saying the same as for the view
(PollHints.as_served). Anything else, and anything that fails here, goes to the app as before.

Not while Flask-Limiter has limits of its own for every request (limits.APP_WIDE), nor for a view
that has a limit: then each poll is the limiter's to count. Not for our own in-process calls,
whose answers carry no browser's headers. The answer's headers are also made from settings (the
logos' origins in the security policy): those are compared too, so that a setting changed on a
live app (tests do) is never answered with the former policy.
"""
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, current_app, request

from widget.bank_list import image_origins
from widget.limits import APP_WIDE
from widget.public_url import IN_PROCESS_KEY
from widget.views.poll_hints import PollHints, QuietAnswer

AS_SERVED_KEY = "passerelle.quiet_answer"
# What of a poll its answer may depend on, as the app gets it (after the router's X-Forwarded-*).
ASKED = ("SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "HTTP_HX_TRIGGER", "HTTP_HX_REQUEST",
         "wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT")

StartResponse = Callable[..., Any]


def poll_as_received(environ: dict[str, Any], config: Any) -> tuple[Any, ...]:
    """The poll as the app gets it, and the settings its answer's headers are made from."""
    return (*(str(environ.get(name, "")) for name in ASKED), image_origins(config))


def answered_quietly(session_id: str, quiet: QuietAnswer) -> None:
    """This request's answer is `quiet` (a view's 204 that the hints keep): the middleware keeps
    the status and headers it leaves the app with, unless the view has a limit to count."""
    if request.endpoint not in current_app.extensions.get("limited_endpoints", ()):
        request.environ[AS_SERVED_KEY] = (session_id, quiet)


class QuietPolls:
    """WSGI middleware around the Flask app (inside the proxy and static-file layers)."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any],
                 start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("HTTP_HX_TRIGGER") \
                or environ.get(IN_PROCESS_KEY):
            return self.wsgi_app(environ, start_response)
        asked = poll_as_received(environ, self.app.config)
        served = self.served_again(environ, asked)
        if served is not None:
            start_response(*served)
            return []

        def keeping(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            marked = environ.get(AS_SERVED_KEY)
            if marked and exc_info is None and status.startswith("204 "):
                try:
                    self.hints.keep_as_served(marked[0], marked[1], asked, status, list(headers))
                except Exception:  # noqa: BLE001 (kept or not, the answer goes as it is)
                    pass
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, keeping)

    @property
    def hints(self) -> PollHints:
        hints: PollHints = self.app.extensions["poll_hints"]
        return hints

    def served_again(self, environ: dict[str, Any],
                     asked: tuple[Any, ...]) -> tuple[str, list[Any]] | None:
        config = self.app.config
        if any(config.get(name) for name in APP_WIDE):
            return None
        session_id = next((value for name, value in parse_qsl(environ.get("QUERY_STRING", ""))
                           if name == "session_id"), None)
        if not session_id:
            return None
        clock = config.get("WIDGET_CLOCK") or time.time
        try:
            return self.hints.as_served(session_id, asked, clock(), time.time(),
                                        self.app.extensions["widget_sessions"].sealed)
        except Exception:  # noqa: BLE001 (the store away, say: the app answers it as it does)
            return None


def init_app(app: Flask) -> None:
    app.wsgi_app = QuietPolls(app, app.wsgi_app)  # type: ignore[method-assign]
