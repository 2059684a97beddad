"""Bank `state` records: which widget session a bank's answer belongs to, and whether it was used.

A REDIRECT bank sends the user back to one callback URL for every session, with the `state` the
widget gave it: this record leads from that state to its session, and marks it spent once used,
so a replayed answer is recognised and refused. Kept in the session store's backend, sealed like
the sessions (a session id is enough to drive its widget), as long as the session's stale record.
"""
import time
from collections.abc import Callable
from typing import Any

from widget.store_backend import Backend, SessionData
from widget.store_keys import STATE_PREFIX, legacy_key, state_key


class BankStates:
    """Bind a bank `state` to a session, look it up, and spend it."""

    def __init__(self, backend: Backend, read: Callable[[str, str], SessionData | None],
                 seal: Callable[[SessionData], Any],
                 is_state: Callable[[object], bool], grace_seconds: float) -> None:
        self.backend = backend
        self._read = read
        self._seal = seal
        self._is_state = is_state
        # Kept as long as an expired session's stale record, so an old answer is still known.
        self.grace_seconds = grace_seconds

    def bind(self, state: str, session_id: str, expires_at_ts: float) -> None:
        """Remember that the bank `state` was issued for `session_id`."""
        self._put(state, {"session_id": session_id}, expires_at_ts)

    def record(self, state: object) -> SessionData | None:
        """{"session_id", "spent"} of a bank `state` this service issued, or None."""
        if not isinstance(state, str) or not self._is_state(state):
            return None
        return self._read(STATE_PREFIX, state)

    def spend(self, state: str, session_id: str, expires_at_ts: float) -> None:
        """The bank's answer with this `state` was used: a replay is recognised, never accepted."""
        self._put(state, {"session_id": session_id, "spent": True}, expires_at_ts)

    def _put(self, state: str, record: SessionData, expires_at_ts: float) -> None:
        ttl = max(1, expires_at_ts - time.time()) + self.grace_seconds
        self.backend.write([(state_key(state), self._seal(record), ttl)],
                           deletes=[legacy_key(STATE_PREFIX, state)])
