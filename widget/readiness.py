"""Whether this process can serve widgets now: its session store and the Auth server answer.

The answer is kept `READY_CACHE_SECONDS` per process, so a platform probing every second costs
one Redis PING and one Auth server request per few seconds, not per probe.
"""
import threading
import time

from flask import current_app

from widget import upstream
from widget.store import StoreUnavailable, widget_sessions
from widget.upstream.auth_server import auth_server_answers

_cached = {}  # id(app) -> (monotonic expiry, checks)
_cached_lock = threading.Lock()


def _session_store_ok():
    try:
        widget_sessions().ping()
    except StoreUnavailable as exc:  # its text names the backend's error, never a URL or secret
        current_app.logger.warning("readyz: the session store does not answer: %s", exc)
        return False
    return True


def _auth_server_ok():
    connect_timeout, _ = upstream.timeouts()
    if auth_server_answers(upstream.token_endpoint(), timeout=(connect_timeout, 3)):
        return True
    current_app.logger.warning("readyz: the Auth server does not answer")
    return False


def readiness_checks():
    """{"session_store": bool, "auth_server": bool}, at most `READY_CACHE_SECONDS` old."""
    key = id(current_app._get_current_object())
    now = time.monotonic()
    with _cached_lock:
        expiry, checks = _cached.get(key, (0, None))
    if checks is not None and expiry > now:
        return checks
    checks = {"session_store": _session_store_ok(), "auth_server": _auth_server_ok()}
    with _cached_lock:
        _cached[key] = (now + current_app.config["READY_CACHE_SECONDS"], checks)
    return checks
