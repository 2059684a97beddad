"""The sandbox's notion of time: a configurable clock, so tests can move time forward."""
from datetime import datetime, timezone

from flask import current_app


def now():
    """Seconds since the epoch, from `SANDBOX_CLOCK` (`time.time` unless a test sets it)."""
    return float(current_app.config["SANDBOX_CLOCK"]())


def isoformat(timestamp):
    """ISO 8601 UTC with milliseconds (`2026-11-24T10:00:00.000Z`), or None."""
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
