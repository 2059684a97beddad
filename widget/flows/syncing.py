"""The sync step: started once the bank let the user in, its waiting screen polled, its end."""
from collections.abc import Callable
from typing import Any

from widget.flows.flow import Along, Next, Outcome
from widget.flows.run import Run, Step
from widget.flows.step_keys import attempt
from widget.flows.steps import Finish, Screen
from widget.flows.sync_watch import SyncWatch

# No user's waiting screen asks the API more often than this, however many tabs poll.
POLL_INTERVAL_SECONDS = 1.0
# While a sync's progress stays where it was, each look at it waits this many times longer than
# the last, up to the cap: a slow bank's sync then costs a look every 5 s, not every poll.
QUIET_GROWTH = 1.5
QUIET_CAP_SECONDS = 5.0


def interval(run: Run) -> float:
    """How long after a look at the API the next may be: 1 s, and while a sync does not move,
    1.5 times longer at each look, up to 5 s (a challenge's wait stays at 1 s)."""
    if run.step != Step.SYNCING:
        return POLL_INTERVAL_SECONDS
    return min(QUIET_CAP_SECONDS, POLL_INTERVAL_SECONDS * QUIET_GROWTH ** run.quiet_polls)


def next_look_at(run: Run) -> float:
    """When a waiting screen's poll of `run` may next ask the API."""
    return run.polled_at + interval(run)


class Sync:
    """Starts the connection's sync and follows it; `look` is where the flow goes when the
    bank needs the user again mid-sync (it reads the connection)."""

    def __init__(self, along: Along, look: Callable[[dict[str, Any]], Outcome]) -> None:
        self.along = along
        self.run = along.run
        self.look = look

    def start(self) -> Outcome:
        connection_id = self.run.connection_id
        options = self.along.options
        if not options.get("auto_sync", True):
            return Finish("success", connection_id=connection_id)
        watch = SyncWatch(self.along.api, self.run)
        watch.begin()  # before the sync starts, so that none of its events is missed
        with attempt(self.run, "sync", connection_id) as key:
            self.along.api.synchronize(connection_id, idempotency_key=key)
        self.along.track("SYNC_STARTED", connection_id=connection_id)
        if not options.get("captive_mode", True):
            return Finish("success", connection_id=connection_id)
        self.follow()
        return self.screen()

    def follow(self) -> None:
        """The run waits on the sync now, and looks at it again after the shortest interval."""
        self.run.step = Step.SYNCING
        self.run.quiet_polls = 0

    def screen(self, changed: bool = True) -> Screen:
        return Screen("syncing", {"progress": self.run.progress,
                                  "provider_name": self.run.provider_name}, changed=changed)

    def interval(self) -> float:
        """How long after a look at the API the next may be (`interval`, for this run)."""
        return interval(self.run)

    def due(self) -> float | None:
        """The time of this poll if it may ask the API now (it is then the last poll), else None."""
        now = self.along.clock()
        if now - self.run.polled_at < self.interval():
            return None
        self.run.polled_at = now
        return now

    def progress(self) -> Outcome:
        """What the event queue says of the sync: its end, the bank's need, or still on."""
        connection_id = self.run.connection_id
        before = dict(self.run.progress)
        news = SyncWatch(self.along.api, self.run).read(connection_id)
        if news or self.run.progress != before:
            self.run.quiet_polls = 0
        elif self.interval() < QUIET_CAP_SECONDS:  # counted up to the cap, no further
            self.run.quiet_polls += 1
        if news == "success":
            self.along.track("SYNC_FINISHED", connection_id=connection_id, result="success")
            return Finish("success", connection_id=connection_id)
        if news == "failed":
            self.along.track("SYNC_FINISHED", connection_id=connection_id, result="error",
                             error=self.run.progress.get("error"))
            self.run.step = Step.SYNC_FAILED
            return self.failed_screen()
        if news == "look":  # the bank needs the user (a challenge) or stopped: read the channel
            return self.look(self.along.api.connection(connection_id))
        return self.screen(changed=self.run.progress != before)

    def failed_screen(self) -> Outcome:
        if not self.run.provider_name:  # the screen names the bank: straight back instead
            return Finish("error", "sync_failed", self.run.connection_id)
        return Screen("sync_failed", {"provider_name": self.run.provider_name})

    def leave_failed(self, resume: Next) -> Outcome:
        """The user read that the sync failed, or that they tried too many codes: back to the
        Client with result=error."""
        if self.run.step not in (Step.SYNC_FAILED, Step.TOO_MANY_ATTEMPTS):
            return resume()
        return Finish("error", str(self.run.step), self.run.connection_id)

    def poll(self, challenge_shown_again: Next, resume: Next) -> Outcome:
        """A waiting screen asks again: an app's approval of the challenge, or the sync."""
        step = self.run.step
        if step not in (Step.CHALLENGE, Step.SYNCING):
            return resume()
        if self.due() is None:  # asked less than an interval ago: nothing new to tell
            return challenge_shown_again() if step == Step.CHALLENGE else self.screen(False)
        if step == Step.CHALLENGE:
            return self.look(self.along.api.connection(self.run.connection_id))
        return self.progress()
