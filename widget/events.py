"""Tracked events (DESIGN.md section 7): kept for the Client, logged as JSON.

A session's events are an append-only list beside its record (a Redis list, or a file), not
inside it: every request reads and rewrites the record, and a record carrying up to 500 events
(each search adds one) grew to tens of kilobytes. The record keeps only what is new: the events
of this request until the store saves them (`PENDING`), and those no page has handed to the
Client's window yet (`UNDELIVERED`, widget/parent_messages.py).
"""
import hashlib
from datetime import datetime, timezone

from widget.logs import log_event

MAX_EVENTS = 500  # kept per session, oldest out
PENDING = "events_pending"
UNDELIVERED = "events_undelivered"
# Only ids and codes may go in `data`: anything else is dropped before it is kept or logged.
ALLOWED_DATA = {"provider_id", "channel_definition_id", "channel_id", "connection_id", "error",
                "result", "account_ids", "count", "challenge_type", "search_length", "mode",
                "version", "step", "redirect_host"}


def utc_now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def track(widget_session, session_id, name, widget, **data):
    """Record event `name` of `widget`: the store appends it to the session's events when it
    saves the session (so a request that fails records nothing), and it is logged."""
    event = {"name": name, "date": utc_now_iso(), "widget": widget,
             "data": {k: v for k, v in data.items() if k in ALLOWED_DATA and v is not None}}
    widget_session.setdefault(PENDING, []).append(event)
    undelivered = widget_session.setdefault(UNDELIVERED, [])
    undelivered.append(event)
    del undelivered[:-MAX_EVENTS]
    # The session id grants access: the log gets a digest that correlates without granting.
    log_event({**event, "session": hashlib.sha256(session_id.encode()).hexdigest()[:16]})
    return event
