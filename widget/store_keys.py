"""The names of a widget session's records: a digest of its id, never the id itself.

A session id is a bearer credential (it drives the user's widget, tokens and all), so a listing
of the store (`redis-cli --scan`, `ls instance/sessions`) must not reveal one: records, lock
files and Redis locks are named by the SHA-256 of the id, and the bank `state` index by that of
the state. 256 random bits in, no way back out.
"""
import hashlib

LIVE_PREFIX = "widget:"
STALE_PREFIX = "widget-stale:"
# A session's events, a list beside its record (widget/events.py).
EVENTS_PREFIX = "widget-events:"
# The bank's callback carries only the `state` the widget sent: this index finds its session,
# so the session id itself never travels to the bank.
STATE_PREFIX = "widget-bank-state:"


def stored_name(public_id: str) -> str:
    """What a session (its records and its lock) or a bank state is named by in the store."""
    return hashlib.sha256(public_id.encode()).hexdigest()


def live_key(session_id: str) -> str:
    return LIVE_PREFIX + stored_name(session_id)


def stale_key(session_id: str) -> str:
    return STALE_PREFIX + stored_name(session_id)


def events_key(session_id: str) -> str:
    return EVENTS_PREFIX + stored_name(session_id)


def state_key(state: str) -> str:
    return STATE_PREFIX + stored_name(state)


# Until every session written before 2026-12-04 has expired (a day and an hour after it was
# written), records named by the id itself are still read, and removed on the next write, so a
# deploy does not end the runs in progress.
def legacy_key(prefix: str, public_id: str) -> str:
    return prefix + public_id
