"""What an embedded widget tells the page around it (DESIGN.md sections 5 and 7).

Inside an iframe or a popup, static/widget.js posts these to the parent or opener with the
redirect URL's origin as target. Each event is handed to a page once: the session counts what
keeps those it has not handed over yet, so events tracked while no page was shown (at the
bank's callback, say) go with the next page.
"""
from urllib.parse import urlsplit

from widget.events import UNDELIVERED


def target_origin(options):
    """The redirect URL's origin, the only window the messages may reach; None without one."""
    parts = urlsplit((options or {}).get("redirect_url") or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return "%s://%s" % (parts.scheme, parts.netloc)


def _undelivered_events(widget_session):
    if widget_session.get("events_total") is not None:  # a record written before 2026-12-04
        waiting = widget_session.pop("events_total") - widget_session.pop("events_delivered", 0)
        old = widget_session.get("events") or []
        widget_session.setdefault(UNDELIVERED, [])[:0] = old[-waiting:] if waiting > 0 else []
    return widget_session.pop(UNDELIVERED, None) or []


def event_message(event):
    return {"eventName": event["name"], **event}


def redirect_message(url, params):
    return {"eventName": "redirect_to", "redirect_url": url, "status": params["result"],
            "result": params["result"], "connection_id": params.get("connection_id"),
            "widget": params["widget"]}


def parent_messages(widget_session, options, final=None):
    """{"origin", "messages"} for the page about to be shown, or None when nothing may go out."""
    origin = target_origin(options)
    messages = [event_message(e) for e in _undelivered_events(widget_session)]
    if final:
        messages.append(final)
    if origin is None or not messages:
        return None
    return {"origin": origin, "messages": messages}
