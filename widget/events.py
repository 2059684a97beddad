"""Tracked events (DESIGN.md section 7): kept in the session for the Client, logged as JSON."""
import hashlib
from datetime import datetime, timezone

from widget.logs import log_event

MAX_EVENTS = 500
# Only ids and codes may go in `data`: anything else is dropped before it is kept or logged.
ALLOWED_DATA = {"provider_id", "channel_definition_id", "channel_id", "connection_id", "error",
                "result", "account_ids", "count", "challenge_type", "search_length", "mode",
                "version", "step", "redirect_host"}


def utc_now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def track(widget_session, session_id, name, widget, **data):
    """Record event `name` of `widget` in the session and in the log."""
    event = {"name": name, "date": utc_now_iso(), "widget": widget,
             "data": {k: v for k, v in data.items() if k in ALLOWED_DATA and v is not None}}
    events = widget_session.setdefault("events", [])
    events.append(event)
    widget_session["events_total"] = widget_session.get("events_total", 0) + 1
    del events[:-MAX_EVENTS]
    # The session id grants access: the log gets a digest that correlates without granting.
    log_event({**event, "session": hashlib.sha256(session_id.encode()).hexdigest()[:16]})
    return event
