"""An upstream embedded in the app, reached in-process: a `requests` transport adapter.

Why: with the upstream embedded, the widget used to call it at the server's own address, so
each widget request waited on a second request that needed a thread of the same gunicorn
pool. Once every thread was a widget request waiting for an upstream answer, nothing could
answer any more (a self-deadlock: 100 users polling a waiting screen hung the server).

What it keeps: the widget's upstream client is the same code as for a real upstream (requests
and Authlib, statuses, headers, bodies, timeouts, typed errors); only its base URLs point at
`INTERNAL_ORIGIN`, a fixed name no request can change, and this adapter is mounted for it. It
turns each prepared request into a WSGI environ and calls the app of the caller's app context:

- on a small bounded thread pool of its own, never the server's. No free thread within the
  connect timeout is a ConnectTimeout; an answer slower than the read timeout is a ReadTimeout
  while the call goes on to its end, as a slow upstream would;
- in that pool's thread, so in a fresh app and request context, never nested in the caller's;
- a connection the upstream drops (fault `drop`) is a requests.ConnectionError, as on a socket;
- redirects are answered as they are (requests decides whether to follow them).

The caller's public root goes along in a private environ key: only `HTTP_*` keys come from a
client's headers, so the upstream's links for browsers (a bank portal) cannot be forged there.
Calls to the upstream (the paths it registered) and to the app's own routes (a demo Client
posts to `/widget_session`, which calls the upstream) have a pool each: none waits on itself.
"""
import io
import logging
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask, current_app, has_app_context, has_request_context
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse, Timeout
from werkzeug.test import EnvironBuilder, run_wsgi_app

from widget.public_url import PUBLIC_ROOT_KEY, public_base_url
from widget.upstream.call_pools import APP_THREADS, CallPool, upstream_threads

# https although no byte leaves the process: an Auth server made with Authlib refuses plain
# http but on loopback addresses, and a call that never meets a network is as private as TLS.
# `.internal` is reserved for private use: the name never resolves on the Internet.
INTERNAL_ORIGIN = "https://upstream.passerelle.internal"
logger = logging.getLogger("passerelle.upstream")


UPSTREAM_POOL = CallPool("in-process-upstream", upstream_threads)
APP_POOL = CallPool("in-process-app", lambda config: APP_THREADS)


Answer = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body


def _timeouts(timeout: Any) -> tuple[Any, Any]:
    """(connect, read) seconds from what requests passes on (None waits for ever)."""
    if isinstance(timeout, tuple):
        return timeout[0], timeout[1]
    if isinstance(timeout, Timeout):
        return timeout.connect_timeout, timeout.read_timeout
    return timeout, timeout


def _body(request: requests.PreparedRequest) -> bytes | None:
    body: Any = request.body
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data: bytes = body.read()
        return data
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in body)


def wsgi_environ(request: requests.PreparedRequest,
                 public_root: str | None = None) -> dict[str, Any]:
    """The WSGI environ of a prepared request, as a server on a loopback socket makes it."""
    url = urlsplit(str(request.url))
    builder = EnvironBuilder(
        path=url.path or "/", query_string=url.query, base_url=f"{url.scheme}://{url.netloc}",
        method=str(request.method), headers=list(request.headers.items()), data=_body(request),
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    # No byte travels: a compressed answer would only cost CPU twice, to pack and unpack it.
    environ["HTTP_ACCEPT_ENCODING"] = "identity"
    if public_root:
        environ[PUBLIC_ROOT_KEY] = public_root
    return environ


def _call(app: Flask, environ: dict[str, Any]) -> Answer:
    """Run the app on `environ` to its end: (status line, headers, body bytes)."""
    try:
        app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
        return status, list(headers), b"".join(app_iter)
    except OSError:
        raise  # a dropped connection: the caller sees requests.ConnectionError
    except Exception:  # what a WSGI server answers when the app raises: 500, and a log line
        logger.exception("in-process call to %s failed", environ.get("PATH_INFO"))
        return "500 INTERNAL SERVER ERROR", [("Content-Length", "0")], b""


def _upstream_paths(app: Flask) -> tuple[str, ...]:
    """The paths of the upstream embedded in `app`, as it registered them."""
    urls = (app.extensions.get("default_upstream") or {}).values()
    return tuple(urlsplit(url).path.rstrip("/") + "/" for url in urls)


class InProcessAdapter(HTTPAdapter):
    """Answers requests to `INTERNAL_ORIGIN` by calling `app` (default: the current app)."""

    def __init__(self, app: Flask | None = None) -> None:
        super().__init__(max_retries=0)
        self.app = app

    def _target(self, request: requests.PreparedRequest) -> Flask:
        if self.app is not None:
            return self.app
        if has_app_context() and current_app.extensions.get("default_upstream"):
            app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
            return app
        raise requests.ConnectionError("no embedded upstream in this process", request=request)

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: bool | str = True, cert: Any = None,
             proxies: Any = None) -> requests.Response:
        app = self._target(request)
        environ = wsgi_environ(request, public_base_url() if has_request_context() else None)
        path = environ["PATH_INFO"]
        pool = UPSTREAM_POOL if path.startswith(_upstream_paths(app)) else APP_POOL
        connect_timeout, read_timeout = _timeouts(timeout)
        future = pool.submit(lambda: _call(app, environ), connect_timeout, app.config)
        if future is None:
            raise requests.ConnectTimeout(
                f"no free in-process thread for {path} within {connect_timeout}s", request=request)
        try:
            status, headers, body = future.result(timeout=read_timeout)
        except FutureTimeout:
            raise requests.ReadTimeout(
                f"in-process call to {path} took over {read_timeout}s", request=request) from None
        except OSError as exc:  # ConnectionResetError from an injected `drop` fault
            raise requests.ConnectionError(exc, request=request) from None
        code, _, reason = status.partition(" ")
        # The pairs as they are: a mapping would keep one of several Set-Cookie headers.
        raw = HTTPResponse(body=io.BytesIO(body), headers=list(headers),  # type: ignore[arg-type]
                           status=int(code),
                           reason=reason, preload_content=False, request_method=request.method,
                           request_url=request.url)
        return self.build_response(request, raw)

    def close(self) -> None:
        """Nothing to close: the pools are the process's, and live as long as it does."""


IN_PROCESS = InProcessAdapter()


def mount(session: requests.Session) -> requests.Session:
    """Route `session`'s calls to the internal origin in-process; the session, for chaining."""
    session.mount(INTERNAL_ORIGIN + "/", IN_PROCESS)
    return session
