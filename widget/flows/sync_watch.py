"""A synchronisation's progress, read from the user's event queue on the Accounts API."""
from typing import Any

from widget.flows.run import Run

PAGE = 200
MAX_PAGES = 50  # the cursor search gives up past this many events (then reads from there)
TERMINAL = {"SYNC_SUCCESS": "success", "SYNC_FAILED": "failed"}
NEEDS_A_LOOK = {"CHALLENGE_REQUIRED", "USER_ACTION_REQUIRED", "TOKEN_EXPIRED", "AUTH_FAILED"}


class SyncWatch:
    """Keeps the run's place in the queue (`event_cursor`) and what it has learnt (`progress`)."""

    def __init__(self, api: Any, run: Run) -> None:
        self.api = api
        self.run = run

    def begin(self) -> None:
        """Move the cursor past every event so far: what comes next is this sync's."""
        cursor = self.run.event_cursor
        for _ in range(MAX_PAGES):
            events = self.api.events(after=cursor, limit=PAGE)
            if events:
                cursor = events[-1]["id"]
            if len(events) < PAGE:
                break
        self.run.event_cursor = cursor
        self.run.progress = {}

    def read(self, connection_id: object) -> str | None:
        """'success', 'failed', 'look' (the channel needs reading) or None (still running)."""
        progress = self.run.progress
        news: str | None = None
        events = self.api.events(after=self.run.event_cursor, limit=PAGE)
        for event in events:
            self.run.event_cursor = event["id"]
            if str(event.get("connection_id")) != str(connection_id):
                continue
            name, data = event.get("name"), event.get("data") or {}
            if name == "SYNC_PROGRESS":
                progress.update({k: data[k] for k in ("step", "steps_total", "accounts_retrieved")
                                 if isinstance(data.get(k), int)})
            elif name in TERMINAL:
                news = TERMINAL[name]
                if name == "SYNC_FAILED":
                    progress["error"] = str(data.get("error") or "sync_failed")[:64]
                else:
                    progress["step"] = progress.get("steps_total", progress.get("step"))
            elif name in NEEDS_A_LOOK and news is None:
                news = "look"
        return news
