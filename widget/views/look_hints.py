"""When each session's waiting screen will next ask the API, as this process last saw it.

A poll within its interval is read without the session's lock (views/runs.py); one whose look
is due found that out only after reading, decrypting and parsing the session and building its
flow, then did all of it again under the lock: a sixth of a look's work. A poll this process
knows to be due goes to the lock at once. A hint is never trusted for more: a wrong one (the
session's other worker looked meanwhile, a step changed) costs that poll a locked read that
finds nothing to do, as any poll racing another did before.
"""
import threading
from collections import OrderedDict

from flask import Flask, current_app

from widget.flows.run import Run, Step
from widget.flows.syncing import next_look_at

# Steps whose poll may ask the API once its interval is over (widget/flows/syncing.py).
LOOKING_STEPS = frozenset({Step.SYNCING, Step.CHALLENGE, Step.WAITING})
# Sessions remembered per process: those whose hint is the longest unchanged (every look
# changes it) are forgotten first; their next poll reads unlocked first, as without a hint.
MOST_SESSIONS = 20_000


class LookHints:
    """Session id -> the time its next poll may ask the API (the widget's clock)."""

    def __init__(self, most: int = MOST_SESSIONS) -> None:
        self.most = most
        self._times: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def due(self, session_id: str, now: float) -> bool:
        """True when this session's poll is known to ask the API now."""
        at = self._times.get(session_id)
        return at is not None and now >= at

    def remember(self, session_id: str, run: Run | None) -> None:
        """After a poll: when the run's next look is due, or nothing if it waits on no look."""
        at = next_look_at(run) if run is not None and run.step in LOOKING_STEPS else None
        if self._times.get(session_id) == at:  # most polls: as the last one left it
            return
        with self._lock:
            if at is None:
                self._times.pop(session_id, None)
                return
            self._times[session_id] = at
            self._times.move_to_end(session_id)
            while len(self._times) > self.most:
                self._times.popitem(last=False)


def init_app(app: Flask) -> None:
    app.extensions["look_hints"] = LookHints()


def look_hints() -> LookHints:
    hints: LookHints = current_app.extensions["look_hints"]
    return hints
