"""user_input: the challenge a connection's sync waits for, answered by the user, then back.

The Client started a sync through the API and the bank wants the user (an SMS code, a question,
an app validation). The flow finds that challenge on the connection, or waits for it on the
user's event queue for a bounded time, then lets ConnectedSteps ask it and check the answer
(the same screens and rules as add_connection), and in captive mode waits for the sync's end.
"""
from widget.flows.connected import BLOCKED, ConnectedSteps
from widget.flows.flow import Flow
from widget.flows.run import Step
from widget.flows.step_keys import seed_keys
from widget.flows.steps import Finish, Screen
from widget.flows.sync_watch import SyncWatch
from widget.flows.syncing import POLL_INTERVAL_SECONDS
from widget.upstream import NotFound, ProviderUnavailable

DEFAULT_WAIT_SECONDS = 30


def _pending(channel):
    return channel.get("status") == "CHALLENGE_REQUIRED" and \
        (channel.get("challenge") or {}).get("status") == "PENDING"


class UserInputFlow(ConnectedSteps, Flow):
    config = {}  # the app's config (views/runs.py sets it): USER_INPUT_WAIT_SECONDS

    @property
    def wait_seconds(self):
        return float(self.config.get("USER_INPUT_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))

    # Entry and resumption
    def start(self):
        self.run.step = Step.START
        seed_keys(self.run)
        # The queue's place first: a challenge asked after the read below is still seen there.
        SyncWatch(self.api, self.run).begin()
        try:
            connection = self.api.connection(self.options.get("connection_id"))
        except NotFound:  # unknown, deleted, or another user's
            return Finish("error", "invalid_connection")
        self.run.connection_id = connection["id"]
        self.run.provider_name = self._bank_name(connection)
        self.run.wait_until = self.clock() + self.wait_seconds
        return self._needing_user(connection) or self.waiting()

    def resume(self):
        """The screen of the step the run stands at (a reload, the link again, after terms)."""
        step = self.run.step
        if step == Step.WAITING:
            return self.poll()
        if step == Step.CHALLENGE:
            return self.after_connection(self.api.connection(self.run.connection_id))
        if step == Step.SYNCING:
            return self.syncing_screen()
        if step == Step.SYNC_FAILED:
            return self.sync_failed_screen()
        if step == Step.TOO_MANY_ATTEMPTS:
            return self.too_many_attempts_screen()
        return self.start()

    def _bank_name(self, connection):
        """The bank's name for the screens; they do without it if the bank cannot say."""
        try:
            return self.api.provider(connection.get("provider_id") or "").get("name")
        except (NotFound, ProviderUnavailable):
            return None

    # Waiting for the bank to ask
    def waiting(self):
        self.run.step = Step.WAITING
        context = {"provider_name": self.run.provider_name}
        return Screen("user_input_waiting", context)

    def poll(self):
        """A waiting screen asks again: for the challenge to come, or as add_connection's do."""
        if self.run.step != Step.WAITING:
            return super().poll()  # app validation, sync progress
        now = self.clock()
        if now - self.run.polled_at < POLL_INTERVAL_SECONDS:
            return self.waiting()
        self.run.polled_at = now
        connection_id = self.run.connection_id
        if SyncWatch(self.api, self.run).read(connection_id):  # news of the connection: read it
            found = self._needing_user(self.api.connection(connection_id))
            if found:
                return found
        if now >= self.run.wait_until:
            return Finish("error", "nothing_pending", connection_id)
        return self.waiting()

    def _needing_user(self, connection):
        """The challenge to show, or the ending of a channel that blocks; None if neither."""
        channels = connection.get("channels") or []
        pending = [c for c in channels if _pending(c)]
        blocked = [c for c in channels if c.get("status") in BLOCKED or
                   c.get("status") == "CHALLENGE_REQUIRED"]
        channel = (pending or blocked or [None])[0]
        if channel is None:
            return None
        self.run.channel_id = channel.get("id")
        return super().after_connection(connection)

    # The challenge: ConnectedSteps asks it and checks the answer
    def after_connection(self, connection):
        """After an answer, or a look at the connection: the challenge again, an ending, or on."""
        status = self._channel(connection).get("status")
        if status == "CHALLENGE_REQUIRED" or status in BLOCKED:
            return super().after_connection(connection)
        return self._answered(connection)

    def _answered(self, connection):
        """The bank has what it asked: another channel's challenge, the sync, or the end."""
        self.run.after_challenge = None
        found = self._needing_user(connection)
        if found:
            return found
        connection_id = self.run.connection_id
        if not self.options.get("captive_mode", True):
            return Finish("success", connection_id=connection_id)
        self.run.step = Step.SYNCING
        if connection.get("status") == "RUNNING":
            return self.syncing_screen()
        # No sync goes on: it is over already (its end is in the queue), or there was none.
        outcome = self.sync_progress()
        if isinstance(outcome, Screen) and outcome.name == "syncing":
            return Finish("success", connection_id=connection_id)
        return outcome

    def sync_failed_screen(self):
        if not self.run.provider_name:  # the screen names the bank: straight back instead
            return Finish("error", "sync_failed", self.run.connection_id)
        return super().sync_failed_screen()
