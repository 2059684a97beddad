"""A session's tracked events as the store keeps them: a list beside its record (widget/events.py
says why), sealed like the record, read oldest first, and numbered from its newest event."""
import json
from typing import Any

from widget.events import MAX_EVENTS, last_number, with_ids
from widget.store_backend import Append, Backend, Cipher, SessionData
from widget.store_keys import events_key


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

    def last_number(self, session_id: str, legacy_events: bool) -> int:
        """The last event number given in the session: its newest event's (one value read)."""
        sealed = self.backend.read_list(events_key(session_id), 1)
        newest = self._opened(sealed)
        if sealed and not newest:  # sealed under a key no longer set: the newest one opens
            newest = self._opened(self.backend.read_list(events_key(session_id), MAX_EVENTS))
        return last_number(newest[-1] if newest else None, legacy_events)

    def appends(self, session_id: str, pending: list[SessionData] | None,
                remaining: float) -> list[Append]:
        """The backend write's part for this request's events (saved with the record or not at
        all)."""
        if not pending or remaining <= 0:
            return []
        return [(events_key(session_id), [self.cipher.seal(json.dumps(e)) for e in pending],
                 remaining, MAX_EVENTS)]

    def _opened(self, sealed: list[bytes]) -> list[dict[str, Any]]:
        return [json.loads(text) for text in map(self.cipher.open, sealed) if text]
