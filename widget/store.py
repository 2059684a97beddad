"""Widget sessions: Flask-Session's server-side store, keyed by the id carried in URLs and forms.

Third-party cookies are often blocked in iframes, so a widget session is never found through a
cookie: every view names it with `session_id`. Flask-Session still provides the storage
backends (cachelib filesystem by default, Redis when `REDIS_URL` is set); Flask's own cookie
session stays available for the playground, which plays the Client.
"""
import contextlib
import fcntl
import os
import re
import secrets
import time
from datetime import timedelta

from cachelib.file import FileSystemCache
from flask import current_app
from flask_session import Session

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
KEY_PREFIX = "widget:"
# The bank's callback carries only the `state` the widget sent: this index finds its session,
# so the session id itself never travels to the bank.
STATE_PREFIX = "widget-bank-state:"
LOCK_TIMEOUT_SECONDS = 60
LOCK_WAIT_SECONDS = 30
# An expired session is kept this long so its link still sends the user back with
# result=expired instead of a dead end.
EXPIRED_GRACE_SECONDS = 24 * 3600


class SessionBusy(Exception):
    """Another request of the same session held its lock for too long."""


class WidgetSessionStore:
    """Create, read, lock and save widget sessions in the configured backend."""

    def __init__(self, interface, lock_factory):
        self.interface = interface
        self._lock = lock_factory

    @staticmethod
    def new_id():
        """256 bits from the OS's CSPRNG, URL-safe."""
        return secrets.token_urlsafe(32)

    def create(self, data):
        session_id = self.new_id()
        self._write(session_id, data)
        return session_id

    def _read(self, session_id):
        if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
            return None
        data = self.interface._retrieve_session_data(KEY_PREFIX + session_id)
        return dict(data) if data else None

    def load(self, session_id):
        """The session's data, or None when the id is malformed, unknown or expired."""
        data = self._read(session_id)
        if not data or data.get("expires_at_ts", 0) <= time.time():
            return None
        return data

    def peek_expired(self, session_id):
        """The data of a session that has expired but is still within its grace period."""
        data = self._read(session_id)
        if data and data.get("expires_at_ts", 0) <= time.time():
            return data
        return None

    @contextlib.contextmanager
    def transaction(self, session_id):
        """Lock the session across processes, yield its data, and save it if no error escaped.

        Yields None for an unknown or expired session. Serialising a session's requests is what
        makes a double click or two tabs create one connection, and one token refresh at a time.
        """
        if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
            yield None
            return
        with self._lock(session_id):
            data = self.load(session_id)
            if data is None:
                yield None
                return
            before = repr(data)
            yield data
            if data.get("deleted"):
                self.delete(session_id)
            elif repr(data) != before:
                self._write(session_id, data)

    def ping(self):
        """Raise when the backend cannot be reached or written."""
        if hasattr(self.interface, "client"):  # Redis
            self.interface.client.ping()
        elif not self.interface.cache.set("widget-ping", True, timeout=60):
            raise OSError("the session folder cannot be written")

    def delete(self, session_id):
        self.interface._delete_session(KEY_PREFIX + session_id)

    def end(self, session_id):
        """End a session now: its tokens and secret go, what a stale link needs stays.

        The remainder lets an old link still send the user back with result=expired.
        """
        with self._lock(session_id):
            data = self.load(session_id)
            if data is None:
                return False
            run = data.get("run") or {}
            self._write(session_id, {
                "client_id": data["client_id"], "options": data["options"],
                "run": {k: run[k] for k in ("widget", "options", "locale", "connection_id")
                        if k in run},
                "expires_at_ts": time.time(), "ended": True})
            return True

    def bind_state(self, state, session_id, expires_at_ts):
        """Remember that the bank `state` was issued for `session_id`."""
        self._put(STATE_PREFIX + state, {"session_id": session_id}, expires_at_ts, state)

    def state_record(self, state):
        """{"session_id", "spent"} of a bank `state` this service issued, or None."""
        if not isinstance(state, str) or not SESSION_ID.match(state):
            return None
        data = self.interface._retrieve_session_data(STATE_PREFIX + state)
        return dict(data) if data else None

    def spend_state(self, state, session_id, expires_at_ts):
        """The bank's answer with this `state` was used: a replay is recognised, never accepted."""
        self._put(STATE_PREFIX + state, {"session_id": session_id, "spent": True}, expires_at_ts,
                  state)

    def _write(self, session_id, data):
        self._put(KEY_PREFIX + session_id, data, data["expires_at_ts"], session_id)

    def _put(self, key, data, expires_at_ts, sid):
        ttl = max(1, int(expires_at_ts - time.time())) + EXPIRED_GRACE_SECONDS
        record = self.interface.session_class(data, sid=sid)
        self.interface._upsert_session(timedelta(seconds=ttl), record, key)


def file_lock_factory(folder):
    """flock on one file per session: exclusive across threads and processes of this machine."""
    os.makedirs(folder, exist_ok=True)

    @contextlib.contextmanager
    def lock(session_id):
        path = os.path.join(folder, session_id + ".lock")
        with open(path, "a+b") as fh:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SessionBusy(session_id) from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    return lock


def redis_lock_factory(client):
    """A Redis lock, so that processes on any number of machines share it."""

    @contextlib.contextmanager
    def lock(session_id):
        redis_lock = client.lock(
            "widget-lock:" + session_id,
            timeout=LOCK_TIMEOUT_SECONDS,
            blocking_timeout=LOCK_WAIT_SECONDS,
        )
        if not redis_lock.acquire():
            raise SessionBusy(session_id)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):  # expired under us: nothing left to release
                redis_lock.release()

    return lock


def init_app(app):
    """Configure Flask-Session's backend and attach the widget session store to the app."""
    if app.config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        app.config.update(SESSION_TYPE="redis", SESSION_REDIS=client)
        lock_factory = redis_lock_factory(client)
    else:
        folder = app.config.get("SESSION_FILE_DIR") or os.path.join(app.instance_path, "sessions")
        # threshold=0: never prune live sessions to make room; expired ones are removed on read.
        app.config.update(
            SESSION_TYPE="cachelib",
            SESSION_CACHELIB=FileSystemCache(folder, threshold=0, mode=0o600),
        )
        lock_factory = file_lock_factory(os.path.join(folder, "locks"))
    app.config.setdefault("SESSION_KEY_PREFIX", "playground:")
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    Session(app)
    app.extensions["widget_sessions"] = WidgetSessionStore(app.session_interface, lock_factory)


def widget_sessions():
    """The app's widget session store."""
    return current_app.extensions["widget_sessions"]
