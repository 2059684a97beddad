"""Widget sessions in a server-side store, keyed by the id carried in URLs and forms.

Third-party cookies are often blocked in iframes, so a widget session is never found through a
cookie: every view names it with `session_id`. Sessions live in cachelib's FileSystemCache under
the instance folder by default (widget/store_files.py), in Redis when `REDIS_URL` is set
(widget/store_redis.py), as widget/store_setup.py chooses; others may keep theirs there too
(`store_location`).

Each session is two records and a list. `widget:<digest>` is all of it, tokens and client secret
included, and lives until the session expires. `widget-stale:<digest>` is only what an old link
needs to send the user back with result=expired, and lives EXPIRED_GRACE_SECONDS longer.
`widget-events:<digest>` is its tracked events (widget/events.py), as long as the first. Records are
named by a digest of the id (widget/store_keys.py), and every record's value is encrypted
(widget/encryption.py); one no key opens reads as missing.
"""
import contextlib
import json
import re
import secrets
import time
from collections.abc import Iterator
from typing import Any, TypeGuard

from flask import current_app

from widget.bank_states import BankStates
from widget.events import NUMBERS, PENDING, SEQUENCE, EventNumbers
from widget.store_backend import Append, Backend, Cipher, Record, SessionData
from widget.store_events import EventLists, SessionEvents
from widget.store_keys import (LIVE_PREFIX, STALE_PREFIX, events_key, legacy_key, live_key,
                               stale_key, stored_name)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
# An expired session's stale record is kept this long so its link still sends the user back
# with result=expired instead of a dead end.
EXPIRED_GRACE_SECONDS = 24 * 3600
LIST_WAIT_WITH_LOCK_SECONDS = 30
STALE_RUN_KEYS = ("widget", "options", "locale", "connection_id")
UNREAD = object()  # a record not read yet, where None is one read and found missing


class SessionBusy(Exception):
    """Another request of the same session holds its lock (or took it over from this one)."""


class NeedsLock(Exception):
    """A request read without the session's lock would change it: it goes again with the lock."""


class StoreUnavailable(Exception):
    """The session store cannot be reached or refuses writes (Redis down, a full disk)."""


class SavedRecord:
    """The session's record as a transaction left it, unopened: the one it wrote (the text
    sealed; a read of it may give its bytes), or the one it read when nothing changed; None
    when there is none (ended, expired, unknown)."""

    sealed: Any = None


def is_session_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(SESSION_ID.match(value))


def stale_part(data: SessionData) -> SessionData:
    """What an expired session's link needs: its client, options, and the run's outline."""
    run = data.get("run") or {}
    part: SessionData = {k: data[k] for k in ("client_id", "options", "expires_at_ts", "ended")
                         if k in data}
    part["run"] = {k: run[k] for k in STALE_RUN_KEYS if k in run}
    return part


class WidgetSessionStore:
    """Create, read, lock and save widget sessions in a backend (files or Redis)."""

    def __init__(self, backend: Backend, cipher: Cipher) -> None:
        self.backend = backend
        self.cipher = cipher
        self.event_lists = EventLists(backend, cipher)
        # Takes each request's events for the client's webhook (widget/webhooks/outbox.py).
        self.outbox: Any = None
        # The bank `state` records, kept in the same backend, sealed the same way.
        self.bank_states = BankStates(backend, self._read, self._sealed, is_session_id,
                                      EXPIRED_GRACE_SECONDS)

    @staticmethod
    def new_id() -> str:
        """256 bits from the OS's CSPRNG, URL-safe."""
        return secrets.token_urlsafe(32)

    def create(self, data: SessionData) -> str:
        # The filesystem store has no cron: traffic pays, now and then, for expired sessions.
        self.backend.sweep_if_due()
        session_id = self.new_id()
        self._write(session_id, data)
        return session_id

    def load(self, session_id: object) -> SessionData | None:
        """The session's data, or None when the id is malformed, unknown or expired."""
        return self._live(session_id)[0]

    def sealed(self, session_id: object) -> Any:
        """The session's record as stored, unopened (None when the id is malformed or unknown):
        two equal ones hold the same data. Whether it expired is the caller's to tell."""
        if not is_session_id(session_id):
            return None
        return self._stored(LIVE_PREFIX, session_id)

    def _live(self, session_id: object,
              sealed: Any = UNREAD) -> tuple[SessionData | None, str | None]:
        """`load`'s data, and the JSON text it was read from (from `sealed` when it was read)."""
        if not is_session_id(session_id):
            return None, None
        data, text = self._read_text(LIVE_PREFIX, session_id, sealed)
        if data and data.get("expires_at_ts", 0) > time.time():
            return data, text
        if data:  # expired, and still on disk: its tokens and secret go now
            self.backend.delete(live_key(session_id), legacy_key(LIVE_PREFIX, session_id),
                                events_key(session_id))
        return None, None

    def events(self, session_id: str, data: SessionData) -> list[dict[str, Any]]:
        """The session's tracked events, oldest first (`data` is its record, as loaded)."""
        return self.event_lists.read(session_id, data)

    def peek_expired(self, session_id: object) -> SessionData | None:
        """What is left of a session that expired or ended, within its grace period."""
        if not is_session_id(session_id) or self.load(session_id) is not None:
            return None
        return self._read(STALE_PREFIX, session_id)

    @contextlib.contextmanager
    def unlocked(self, session_id: object, sealed: Any = UNREAD,
                 with_events: bool = False) -> Iterator[SessionData | None]:
        """The session's data read without its lock (no lock; no write but its events), for a
        request that most often changes nothing, such as a poll within its interval. NeedsLock
        if it changed the data: the caller, who must not have acted outside it yet, goes again
        in `transaction`.
        A record is replaced whole, so this reads a version some request saved. None if unknown.
        `sealed` is the record if the caller just read it (`sealed()`).

        `with_events`: the request may track events (a search is one), numbered and kept as a
        request with the lock keeps them (the record left as it is): on the file store under the
        events list's own hold, which every request numbering the session's events takes; on
        Redis, only if no request holds the lock and the list's newest event is still the one
        they were numbered after. Either way only while the session's record is there and
        lives; else NeedsLock. Without, an event needs the lock: NeedsLock.
        """
        data, text = self._live(session_id, sealed)
        if data is None or not is_session_id(session_id):  # (`_live` said so: for mypy)
            yield None
            return
        events = None
        # A record of an earlier release (its events or their counter inside) is rewritten by
        # the next request with the lock: not here.
        if with_events and SEQUENCE not in data and not data.get("events"):
            events = SessionEvents(self.event_lists, session_id, False)
            data[NUMBERS] = EventNumbers(events.last_number)
        try:
            yield data
            data.pop(NUMBERS, None)
            pending = data.pop(PENDING, None) or []
            # Unchanged when it serialises to the text it was read from (as every record is
            # written): one encoding, where a repr before and after cost a tenth of a poll.
            if _serialised(data) != text:
                raise NeedsLock()
            if events is not None and pending:
                deliveries = self._deliveries(session_id, data, pending)
                outbox = self.outbox.appends(session_id, deliveries, self.cipher) \
                    if deliveries else []
                remaining = data["expires_at_ts"] - time.time()
                if not events.keep_unlocked(pending, remaining, live_key(session_id), outbox):
                    raise NeedsLock()
                if deliveries:  # before the list is let go: one process hands them in order
                    self.outbox.saved(session_id, deliveries)
        finally:
            if events is not None:
                events.close()

    @contextlib.contextmanager
    def transaction(self, session_id: object, wait: float | None = None,
                    saved: SavedRecord | None = None) -> Iterator[SessionData | None]:
        """Lock the session across processes, yield its data, and save it if no error escaped.

        Yields None for an unknown or expired session. Serialising a session's requests is what
        makes a double click or two tabs create one connection, and one token refresh at a time.
        Raises SessionBusy when another request keeps the lock longer than `wait` seconds (the
        store's setting by default), or took it over meanwhile (then nothing is saved).
        `saved`, when given, is told the record the transaction left.
        """
        self.backend.sweep_if_due()
        # A session that is not there takes no lock, so made-up ids leave no lock file behind.
        if not is_session_id(session_id):
            yield None
            return
        if not self.backend.exists(live_key(session_id)) \
                and not self.backend.exists(legacy_key(LIVE_PREFIX, session_id)):
            yield None
            return
        with self.backend.lock(stored_name(session_id), wait) as fence:
            sealed = self.backend.get(live_key(session_id))
            named = sealed is not None  # else read, and renamed when written, under its old name
            if not named:
                sealed = self.backend.get(legacy_key(LIVE_PREFIX, session_id))
            data, text = self._live(session_id, sealed)
            if data is None:
                yield None
                return
            # The list numbers the events now (widget/events.py): a record that still holds a
            # counter is rewritten without it.
            data.pop(SEQUENCE, None)
            stale_before = repr(stale_part(data))
            # A list is held by a request without the lock only while it answers (a search):
            # waiting long for it here never fails a request whose upstream call went through.
            events = SessionEvents(self.event_lists, session_id, bool(data.get("events")),
                                   wait=LIST_WAIT_WITH_LOCK_SECONDS)
            data[NUMBERS] = EventNumbers(events.last_number)
            try:
                yield data
                data.pop(NUMBERS, None)
                pending = data.pop(PENDING, None) or []
                deliveries = self._deliveries(session_id, data, pending)
                # Events alone are appended, the record left as it is (a search is an event,
                # and hands it to the page at once); a record to rename is rewritten whatever
                # changed. Changed when it no longer encodes to the text it was read from (as
                # `unlocked` tells): the encoding is then the one sealed.
                serialised = _serialised(data)
                changed = not named or serialised != text
                if changed or pending:
                    # The stale record is rewritten only when what it holds changed (or it is
                    # to be renamed): most requests change the run, not what an old link needs.
                    written = self._write(
                        session_id, data, fence, pending, with_record=changed, text=serialised,
                        with_stale=not named or repr(stale_part(data)) != stale_before,
                        renamed=not named, events=events,
                        outbox=self.outbox.appends(session_id, deliveries, self.cipher)
                        if deliveries else [])
                    sealed = written if changed else sealed
                # Saved: a request that failed delivers nothing. Handed over before the list is
                # let go, so that one process hands over a session's deliveries in their order.
                if deliveries:
                    self.outbox.saved(session_id, deliveries)
            finally:
                events.close()
            if saved is not None:
                saved.sealed = sealed

    def _deliveries(self, session_id: str, data: SessionData,
                    pending: list[SessionData]) -> list[Any]:
        return self.outbox.deliveries(session_id, data, pending) if self.outbox else []

    def delete(self, session_id: str) -> None:
        self.backend.delete(live_key(session_id), stale_key(session_id), events_key(session_id),
                            legacy_key(LIVE_PREFIX, session_id),
                            legacy_key(STALE_PREFIX, session_id))

    def end(self, session_id: str) -> bool:
        """End a session now: its tokens and secret go, what a stale link needs stays."""
        with self.transaction(session_id) as data:
            if data is None:
                return False
            data.update(expires_at_ts=time.time(), ended=True)
        return True

    def ping(self) -> None:
        """Raise StoreUnavailable unless the backend answers (a folder we can write, Redis PING)."""
        self.backend.ping()

    def _read(self, prefix: str, public_id: str) -> SessionData | None:
        """A record's data; None when it is missing or no key opens it (unknown key, tampered)."""
        return self._read_text(prefix, public_id)[0]

    def _read_text(self, prefix: str, public_id: str,
                   sealed: Any = UNREAD) -> tuple[SessionData | None, str | None]:
        """`_read`'s data, and its JSON text (opened from `sealed` when it was read)."""
        if sealed is UNREAD:
            sealed = self._stored(prefix, public_id)
        text = self.cipher.open(sealed) if sealed else None
        data: SessionData | None = json.loads(text) if text else None
        return data, text

    def _stored(self, prefix: str, public_id: str) -> Any:
        return self.backend.get(prefix + stored_name(public_id)) or \
            self.backend.get(legacy_key(prefix, public_id))

    def _sealed(self, data: SessionData, text: str | None = None) -> Any:
        # Always under the first key: a record written under an old one is re-encrypted here.
        return self.cipher.seal(text if text is not None else json.dumps(data))

    def _write(self, session_id: str, data: SessionData, fence: Any = None,
               pending: list[SessionData] | None = None, with_record: bool = True,
               with_stale: bool = True, outbox: list[Append] | None = None,
               text: str | None = None, renamed: bool = False,
               events: SessionEvents | None = None) -> Any:
        """Save the record (unless `with_record` is false) and the stale one, with the events
        of this request (`pending`) and their webhook deliveries (`outbox`: these go even when
        the session just ended). `text`, when given, is `data` already encoded. `renamed`: the
        session was read under its legacy name, whose records go when the record is written
        under the new one (a session read under the new name has none: removing them cost
        every write two file removals that found nothing). `events`: the request's numbering,
        whose held list (the file store) takes the events before the records are written, as
        the file store writes lists first. Returns the record written (sealed),
        None when none was (events alone) or it was removed (expired, ended)."""
        live, stale = live_key(session_id), stale_key(session_id)
        legacy = [legacy_key(LIVE_PREFIX, session_id), legacy_key(STALE_PREFIX, session_id)]
        remaining = data["expires_at_ts"] - time.time()
        stale_ttl = max(1, remaining + EXPIRED_GRACE_SECONDS)
        if remaining > 0:
            records: list[Record] = []
            record = None
            if with_record:
                record = self._sealed(data, text)
                records.append((live, record, remaining))
            if with_stale:
                records.append((stale, self._sealed(stale_part(data)), stale_ttl))
            events = events or SessionEvents(self.event_lists, session_id, False)
            events.keep_held(pending)
            self.backend.write(records, deletes=legacy if with_record and renamed else [],
                               fence=fence, appends=events.appends(pending, remaining)
                               + (outbox or []))
            return record
        else:  # expired or ended: the tokens and secret go with the live record, and the events
            self.backend.write([(stale, self._sealed(stale_part(data)), stale_ttl)],
                               deletes=[live, events_key(session_id), *legacy],
                               fence=fence, appends=outbox or [])
            return None


def _serialised(data: SessionData) -> str | None:
    """The data as a record holds it; None for what JSON cannot hold (no request leaves any)."""
    try:
        return json.dumps(data)
    except (TypeError, ValueError):
        return None


def widget_sessions() -> WidgetSessionStore:
    """The app's widget session store."""
    store: WidgetSessionStore = current_app.extensions["widget_sessions"]
    return store
