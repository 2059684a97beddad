"""add_connection's last steps: the sync started, its waiting screen polled, its ending."""
import time

from widget.flows.run import Step
from widget.flows.step_keys import attempt
from widget.flows.steps import Finish, Screen
from widget.flows.sync_watch import SyncWatch

# No user's waiting screen asks the API more often than this, however many tabs poll.
POLL_INTERVAL_SECONDS = 1.0


class SyncSteps:
    """Mixed into ConnectedSteps: starting the sync and answering the waiting screens' polls."""

    clock = staticmethod(time.time)

    def _start_sync(self):
        connection_id = self.run.connection_id
        if not self.options.get("auto_sync", True):
            return Finish("success", connection_id=connection_id)
        watch = SyncWatch(self.api, self.run)
        watch.begin()  # before the sync starts, so that none of its events is missed
        with attempt(self.run, "sync", connection_id) as key:
            self.api.synchronize(connection_id, idempotency_key=key)
        self.track("SYNC_STARTED", connection_id=connection_id)
        if not self.options.get("captive_mode", True):
            return Finish("success", connection_id=connection_id)
        self.run.step = Step.SYNCING
        return self.syncing_screen()

    def syncing_screen(self):
        return Screen("syncing", {"progress": self.run.progress or {},
                                  "provider_name": self.run.provider_name})

    def poll(self):
        """A waiting screen asks again: app validation or sync progress."""
        step = self.run.step
        if step not in (Step.CHALLENGE, Step.SYNCING):
            return self.resume()
        now = self.clock()
        if now - self.run.polled_at < POLL_INTERVAL_SECONDS:
            return self._unchanged()
        self.run.polled_at = now
        if step == Step.CHALLENGE:
            return self.after_connection(self.api.connection(self.run.connection_id))
        return self.sync_progress()

    def _unchanged(self):
        if self.run.step == Step.CHALLENGE:
            return Screen("challenge", {"challenge": self.run.challenge,
                                        "provider_name": self.run.provider_name})
        return self.syncing_screen()

    def sync_progress(self):
        connection_id = self.run.connection_id
        news = SyncWatch(self.api, self.run).read(connection_id)
        if news == "success":
            self.track("SYNC_FINISHED", connection_id=connection_id, result="success")
            return Finish("success", connection_id=connection_id)
        if news == "failed":
            self.track("SYNC_FINISHED", connection_id=connection_id, result="error",
                       error=self.run.progress.get("error"))
            self.run.step = Step.SYNC_FAILED
            return self.sync_failed_screen()
        if news == "look":  # the bank needs the user (a challenge) or stopped: read the channel
            return self.after_connection(self.api.connection(connection_id))
        return self.syncing_screen()

    def sync_failed_screen(self):
        return Screen("sync_failed", {"provider_name": self.run.provider_name})

    def leave_failed(self):
        """The user read that the sync failed, or that they tried too many codes: back to the
        Client with result=error."""
        if self.run.step not in (Step.SYNC_FAILED, Step.TOO_MANY_ATTEMPTS):
            return self.resume()
        return Finish("error", str(self.run.step), self.run.connection_id)
