"""Tracked events (DESIGN.md section 7): kept for the Client, logged as JSON.

A session's events are an append-only list beside its record (a Redis list, or a file), not
inside it: every request reads and rewrites the record, and a record carrying up to 500 events
(each search adds one) grew to tens of kilobytes. The record keeps only what is new: the events
of this request until the store saves them (`PENDING`), and those no page has handed to the
Client's window yet (`UNDELIVERED`, widget/parent_messages.py). Each event has an `event_id`
numbered per session, after the newest event of its list (`EventNumbers`); a Client's webhook
gets them too (widget/webhooks/).
"""
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from widget.logs import log_event

MAX_EVENTS = 500  # kept per session, oldest out
PENDING = "events_pending"
UNDELIVERED = "events_undelivered"
# Where a record of the release before 2026-12-05 kept its last event number (now the newest
# event of the list says it): dropped from the record the next time it is written.
SEQUENCE = "events_sequence"
# The store's EventNumbers for the request: in the session's data while the store numbers its
# events (its transaction, or `unlocked` with events), never saved.
NUMBERS = "_event_numbers"
# Events kept before event ids existed (at most MAX_EVENTS) are numbered up to this when read,
# and the session's new events come after it.
LEGACY_SEQUENCE = MAX_EVENTS
EVENT_ID = re.compile(r"ev_([0-9]{8})_[0-9a-f]{16}")
# Only ids and codes may go in `data`: anything else is dropped before it is kept or logged.
ALLOWED_DATA = {"provider_id", "channel_definition_id", "channel_id", "connection_id", "error",
                "result", "account_ids", "count", "challenge_type", "search_length", "mode",
                "version", "step", "redirect_host", "state"}


def utc_now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventNumbers:
    """A session's next event numbers: after the last one given, which `last` reads (from the
    newest event kept, the events list held or, on Redis, under the session's lock or checked
    again as the events are appended) when the request's first event needs it. The number
    lives in the events list, not in the record, so that a request whose only news is an event
    (every search is one) appends it without rewriting the record."""

    def __init__(self, last: Callable[[], int]) -> None:
        self._last = last
        self._given: int | None = None

    def take(self) -> int:
        self._given = (self._last() if self._given is None else self._given) + 1
        return self._given


def last_number(newest: dict[str, Any] | None, legacy_events: bool) -> int:
    """The last number given in a session, from the newest event its list keeps (trimming the
    oldest never changes it; the list goes only with the session); `legacy_events` when its
    record still holds events of the release that kept them there."""
    if newest is not None:
        return sequence_of(newest.get("event_id")) or LEGACY_SEQUENCE
    return LEGACY_SEQUENCE if legacy_events else 0


def track(widget_session, session_id, name, widget, log=True, **data):
    """Record event `name` of `widget`: the store appends it to the session's events when it
    saves the session (so a request that fails records nothing), and it is logged (now, or by
    the caller once kept: `log=False`, then `log_tracked`). Only where the store numbers events
    (its transaction, or `unlocked` with events)."""
    numbers = widget_session.get(NUMBERS)
    if numbers is None:
        raise RuntimeError("events are tracked where the session store numbers them")
    sequence = numbers.take()
    event = {"event_id": "ev_%08d_%s" % (sequence, secrets.token_hex(8)),
             "name": name, "date": utc_now_iso(), "widget": widget,
             "data": {k: v for k, v in data.items() if k in ALLOWED_DATA and v is not None}}
    widget_session.setdefault(PENDING, []).append(event)
    undelivered = widget_session.setdefault(UNDELIVERED, [])
    undelivered.append(event)
    del undelivered[:-MAX_EVENTS]
    if log:
        log_tracked(event, session_id)
    return event


def log_tracked(event, session_id):
    # The session id grants access: the log gets a digest that correlates without granting.
    log_event({**event, "session": hashlib.sha256(session_id.encode()).hexdigest()[:16]})


def sequence_of(event_id: object) -> int | None:
    """The sequence number an event id carries; None when it is not an event id."""
    match = EVENT_ID.fullmatch(event_id) if isinstance(event_id, str) else None
    return int(match.group(1)) if match else None


def with_ids(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events as read, each with its id: those kept before ids existed get one now, the same at
    every read (numbered from the newest down to LEGACY_SEQUENCE, which trimming the oldest does
    not change, and a digest of the event as the random part)."""
    legacy = [i for i, event in enumerate(events) if "event_id" not in event]
    for rank, i in enumerate(reversed(legacy)):
        digest = hashlib.sha256(json.dumps(events[i], sort_keys=True).encode()).hexdigest()
        events[i] = {"event_id": "ev_%08d_%s" % (LEGACY_SEQUENCE - rank, digest[:16]),
                     **events[i]}
    return events


def after(events: list[dict[str, Any]], event_id: str) -> list[dict[str, Any]]:
    """The events later than `event_id` (whose sequence number is greater)."""
    sequence = sequence_of(event_id) or 0
    return [event for event in events if (sequence_of(event["event_id"]) or 0) > sequence]
