"""A session's tracked events as the store keeps them: a list beside its record (widget/events.py
says why), sealed like the record, read oldest first, and numbered from its newest event.

Each entry is `<number>:<the event, sealed>`. The number is no secret (it is in the event's id,
which the Client's page gets) and the next event's comes from it: written beside the event, it
is read without opening the event (2 % of a provider search's instructions), and an event that
no key set now opens still numbers the next. Entries written before 2026-12-05 are the sealed
event alone: still read, and opened to number the next.
"""
import json
from collections.abc import Callable
from typing import Any

from widget.events import MAX_EVENTS, last_number, sequence_of, with_ids
from widget.store_backend import Append, Backend, Cipher, HeldList, SessionData
from widget.store_keys import events_key, stored_name


class EventLists:
    """Read, number and append the sessions' events lists of one backend."""

    def __init__(self, backend: Backend, cipher: Cipher) -> None:
        self.backend = backend
        self.cipher = cipher

    def read(self, session_id: str, data: SessionData) -> list[dict[str, Any]]:
        """The session's events, oldest first, each with its id (`data`: its record)."""
        listed = self._opened(self.backend.read_list(events_key(session_id), MAX_EVENTS))
        # A record written before the events had a list of their own kept them itself.
        events: list[dict[str, Any]] = (data.get("events") or []) + listed
        return with_ids(events[-MAX_EVENTS:])

    def last_number(self, read: Callable[[int], list[bytes]], legacy_events: bool) -> int:
        """The last event number given in the session: its newest event's (one value read, by
        `read(most)`, which gives a session's list's newest values)."""
        entries = read(1)
        number = _split(entries[-1])[0] if entries else None
        if number is not None:  # even when no key set now opens that event
            return number
        newest = self._opened(entries)
        if entries and not newest:  # sealed under a key no longer set: the newest one opens
            newest = self._opened(read(MAX_EVENTS))
        return last_number(newest[-1] if newest else None, legacy_events)

    def entries(self, pending: list[SessionData]) -> list[str]:
        return [_entry(e, self.cipher.seal(json.dumps(e))) for e in pending]

    def appends(self, session_id: str, pending: list[SessionData] | None,
                remaining: float) -> list[Append]:
        """The backend write's part for this request's events (saved with the record or not at
        all)."""
        if not pending or remaining <= 0:
            return []
        return [(events_key(session_id), self.entries(pending), remaining, MAX_EVENTS)]

    def _opened(self, entries: list[bytes]) -> list[dict[str, Any]]:
        texts = (self.cipher.open(_split(entry)[1]) for entry in entries)
        return [json.loads(text) for text in texts if text]


class SessionEvents:
    """One request's numbering and keeping of its session's events. Where the backend holds
    lists (the file store), the list is held from the first number read until the events are
    kept and their deliveries handed over (`close`): any request, holding the session's lock or
    not, then numbers after every event kept, and no two give one number. Elsewhere (Redis) the
    session's lock does that, and a request without it (`unlocked`) appends only if no request
    holds the lock and the list's newest value is still the one it numbered after
    (`keep_unlocked`)."""

    def __init__(self, lists: EventLists, session_id: str, legacy_events: bool,
                 wait: float | None = None) -> None:
        self.lists, self.session_id, self.legacy_events = lists, session_id, legacy_events
        self.wait = wait  # for the held list (the backend's own wait when None)
        self.key = events_key(session_id)
        self.held: HeldList | None = None
        self.asked = False
        self.newest: bytes | None = None  # the list's newest value when first read

    def last_number(self) -> int:
        if not self.asked:
            self.held, self.asked = self.lists.backend.hold_list(self.key, self.wait), True
        return self.lists.last_number(self._read, self.legacy_events)

    def _read(self, most: int) -> list[bytes]:
        values = self.held.read(most) if self.held is not None else \
            self.lists.backend.read_list(self.key, most)
        if self.newest is None:
            self.newest = bytes(values[-1]) if values else b""
        return values

    def appends(self, pending: list[SessionData] | None, remaining: float) -> list[Append]:
        """The backend write's part: none for a held list, which `keep_held` appends to."""
        if self.held is not None:
            return []
        return self.lists.appends(self.session_id, pending, remaining)

    def keep_held(self, pending: list[SessionData] | None) -> None:
        """Append this request's events to the held list (held until `close`)."""
        if self.held is not None and pending:
            self.held.append(self.lists.entries(pending), MAX_EVENTS)

    def keep_unlocked(self, pending: list[SessionData], remaining: float, live: str,
                      others: list[Append]) -> bool:
        """Keep the events of a request without the session's lock, and `others` (their webhook
        deliveries) with them, while the session's record `live` is there; False, nothing
        kept, when they must go again with the lock (which finds an ended session ended)."""
        if remaining <= 0 or self.newest is None:  # expired meanwhile, or numbered nothing
            return False
        backend = self.lists.backend
        if self.held is not None:
            # An ending removes the record, then the list: a list made again by this hold (or
            # one about to go) belongs to a session whose record is gone.
            if not backend.exists(live):
                return False
            self.keep_held(pending)
            if others:
                backend.write([], appends=others)
            return True
        return backend.append_unlocked(stored_name(self.session_id), live, self.newest,
                                       self.lists.appends(self.session_id, pending, remaining)
                                       + others)

    def close(self) -> None:
        """Let go of the list, if held."""
        if self.held is not None:
            self.held.close()


def _entry(event: dict[str, Any], sealed: str) -> str:
    number = sequence_of(event.get("event_id"))
    return sealed if number is None else "%d:%s" % (number, sealed)


def _split(entry: bytes | str) -> tuple[int | None, str | bytes]:
    """(the entry's number, or None for an entry of the earlier release; the sealed event)."""
    colon = b":" if isinstance(entry, bytes) else ":"
    head, found, sealed = entry.partition(colon)  # type: ignore[arg-type]
    if found and head.isdigit():
        return int(head), sealed
    return None, entry
