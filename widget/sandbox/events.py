"""The users' event queues: what happened to their connections, oldest first."""
import json

from widget.sandbox.clock import isoformat


def record(db, user_id, name, at, connection_id=None, channel_id=None, data=None, key=None):
    """Queue an event. With a `key`, recording the same event twice keeps only the first."""
    db.execute(
        "INSERT OR IGNORE INTO events"
        " (user_id, name, date, connection_id, channel_id, data, dedup_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user_id, name, at, connection_id, channel_id, json.dumps(data or {}), key),
    )


def events_after(db, user_id, after, limit):
    """(total, rows) of the user's events with an id above `after`, oldest first."""
    where = "user_id = ? AND id > ?"
    rows = db.execute(
        f"SELECT * FROM events WHERE {where} ORDER BY id LIMIT ?", (user_id, after, limit)
    ).fetchall()
    if len(rows) < limit:  # the page starts at the first match and holds them all: no count
        return len(rows), rows
    total = db.execute(f"SELECT COUNT(*) FROM events WHERE {where}", (user_id, after)).fetchone()[0]
    return total, rows


def event_json(row):
    """An event as the API shows it."""
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "date": isoformat(row["date"]),
        "connection_id": _id_or_none(row["connection_id"]),
        "channel_id": _id_or_none(row["channel_id"]),
        "data": json.loads(row["data"]),
    }


def _id_or_none(value):
    return None if value is None else str(value)
