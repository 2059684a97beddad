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
import sys
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from flask import Flask, current_app, has_app_context, has_request_context
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3 import Timeout
from werkzeug.test import run_wsgi_app

from widget.public_url import IN_PROCESS_KEY, PUBLIC_ROOT_KEY, public_base_url
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
    """The WSGI environ of a prepared request, as a server on a loopback socket makes it.

    Written out rather than built by werkzeug's EnvironBuilder, which parses what requests
    already prepared (a fifth of the transport's own CPU); tests/test_in_process_transport.py
    holds it to EnvironBuilder's result."""
    url = urlsplit(str(request.url))
    body = _body(request)
    path = url.path or "/"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": str(request.method),
        "SCRIPT_NAME": "",
        "PATH_INFO": _latin1(unquote(path)),
        "QUERY_STRING": _latin1(url.query),
        "REQUEST_URI": _latin1(path),
        "RAW_URI": _latin1(path),
        "SERVER_NAME": url.hostname or "",
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "HTTP_HOST": url.netloc,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body or b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "REMOTE_ADDR": "127.0.0.1",
        IN_PROCESS_KEY: True,
    }
    if body is not None:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ[key] = value
        elif key != "CONTENT_LENGTH":
            key = "HTTP_" + key
            environ[key] = environ[key] + ", " + value if key in environ else value
    # No byte travels: a compressed answer would only cost CPU twice, to pack and unpack it.
    environ["HTTP_ACCEPT_ENCODING"] = "identity"
    if public_root:
        environ[PUBLIC_ROOT_KEY] = public_root
    return environ


def _latin1(text: str) -> str:
    """A str as WSGI carries it: its UTF-8 bytes, one character each (PEP 3333)."""
    return text.encode("utf-8").decode("latin-1")


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


def _response(request: requests.PreparedRequest, code: int, reason: str,
              headers: list[tuple[str, str]], body: bytes, adapter: HTTPAdapter,
              ) -> requests.Response:
    """What `HTTPAdapter.build_response` makes of an answer, without the urllib3 response it
    would read it from (the heaviest part of the transport after the environ). No cookie is
    kept from it, as none was from that response (it had no socket's message to read them off)."""
    response = requests.Response()
    response.status_code, response.reason = code, reason
    merged: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in headers:  # repeated ones joined, as urllib3 joins them
        merged[name] = merged[name] + ", " + value if name in merged else value
    response.headers = merged
    response.encoding = get_encoding_from_headers(merged)
    response.raw = io.BytesIO(body)
    response._content = body  # read, as requests does unless told to stream
    response._content_consumed = True  # type: ignore[attr-defined]
    response.url = str(request.url)
    response.request = request
    response.connection = adapter
    return response


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
        return _response(request, int(code), reason, headers, body, self)

    def close(self) -> None:
        """Nothing to close: the pools are the process's, and live as long as it does."""


IN_PROCESS = InProcessAdapter()


def mount(session: requests.Session) -> requests.Session:
    """Route `session`'s calls to the internal origin in-process; the session, for chaining."""
    session.mount(INTERNAL_ORIGIN + "/", IN_PROCESS)
    return session
