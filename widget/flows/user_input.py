"""user_input: the challenge a connection's sync waits for, answered by the user, then back.

The Client started a sync through the API and the bank wants the user (an SMS code, a question,
an app validation). The flow finds that challenge on the connection, or waits for it on the
user's event queue for a bounded time, then the challenge step asks it and checks the answer
(the same screens and rules as add_connection), and in captive mode the sync step waits for the
sync's end.
"""
from typing import Any

from widget.flows.challenge import Challenge, needs_a_look
from widget.flows.flow import Flow, Outcome, Track
from widget.flows.run import Run
from widget.flows.run import Step
from widget.flows.step_keys import seed_keys
from widget.flows.steps import Finish, Screen
from widget.flows.sync_watch import SyncWatch
from widget.flows.syncing import Sync
from widget.upstream.errors import NotFound, ProviderUnavailable

DEFAULT_WAIT_SECONDS = 30


def _pending(channel: dict[str, Any]) -> bool:
    return channel.get("status") == "CHALLENGE_REQUIRED" and \
        (channel.get("challenge") or {}).get("status") == "PENDING"


class UserInputFlow(Flow):
    """Composed of the challenge and the sync steps; `config` says how long to wait."""

    def __init__(self, api: Any, run: Run, track: Track, locale: str | None = None) -> None:
        super().__init__(api, run, track, locale)
        self.challenge = Challenge(self.along, lambda: self.challenge_attempts,
                                   self.after_connection)
        self.sync = Sync(self.along, look=self.after_connection)

    @property
    def wait_seconds(self) -> float:
        return float(self.config.get("USER_INPUT_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))

    # Entry and resumption
    def start(self) -> Outcome:
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

    def resume(self) -> Outcome:
        """The screen of the step the run stands at (a reload, the link again, after terms)."""
        step = self.run.step
        if step == Step.WAITING:
            return self.poll()
        if step == Step.CHALLENGE:
            return self.after_connection(self.api.connection(self.run.connection_id))
        if step == Step.SYNCING:
            return self.sync.screen()
        if step == Step.SYNC_FAILED:
            return self.sync.failed_screen()
        if step == Step.TOO_MANY_ATTEMPTS:
            return self.challenge.too_many_attempts_screen()
        return self.start()

    def _bank_name(self, connection: dict[str, Any]) -> str | None:
        """The bank's name for the screens; they do without it if the bank cannot say."""
        try:
            name = self.api.provider(connection.get("provider_id") or "").get("name")
            return str(name) if name is not None else None
        except (NotFound, ProviderUnavailable):
            return None

    # Waiting for the bank to ask
    def waiting(self) -> Screen:
        self.run.step = Step.WAITING
        context = {"provider_name": self.run.provider_name}
        return Screen("user_input_waiting", context)

    def poll(self) -> Outcome:
        """A waiting screen asks again: for the challenge to come, or as add_connection's do."""
        if self.run.step != Step.WAITING:
            return self.sync.poll(self.challenge.shown_again, self.resume)
        now = self.sync.due()
        if now is None:
            return self.waiting()
        connection_id = self.run.connection_id
        if SyncWatch(self.api, self.run).read(connection_id):  # news of the connection: read it
            found = self._needing_user(self.api.connection(connection_id))
            if found:
                return found
        if now >= (self.run.wait_until or 0):
            return Finish("error", "nothing_pending", connection_id)
        return self.waiting()

    def _needing_user(self, connection: dict[str, Any]) -> Outcome | None:
        """The challenge to show, or the ending of a channel that blocks; None if neither."""
        channels = connection.get("channels") or []
        pending = [c for c in channels if _pending(c)]
        blocked = [c for c in channels if needs_a_look(c)]
        channel = (pending or blocked or [None])[0]
        if channel is None:
            return None
        self.run.channel_id = channel.get("id")
        return self.challenge.outcome(connection)

    def after_connection(self, connection: dict[str, Any]) -> Outcome:
        """After an answer, or a look at the connection: the challenge again, an ending, or on."""
        return self.challenge.outcome(connection) or self._answered(connection)

    def _answered(self, connection: dict[str, Any]) -> Outcome:
        """The bank has what it asked: another channel's challenge, the sync, or the end."""
        self.run.after_challenge = None
        found = self._needing_user(connection)
        if found:
            return found
        connection_id = self.run.connection_id
        if not self.options.get("captive_mode", True):
            return Finish("success", connection_id=connection_id)
        self.sync.follow()
        if connection.get("status") == "RUNNING":
            return self.sync.screen()
        # No sync goes on: it is over already (its end is in the queue), or there was none.
        outcome = self.sync.progress()
        if isinstance(outcome, Screen) and outcome.name == "syncing":
            return Finish("success", connection_id=connection_id)
        return outcome

    # The steps the views call
    def submit_challenge(self, answer: str) -> Outcome:
        return self.challenge.submit(answer, self.resume)

    def leave_failed(self) -> Outcome:
        return self.sync.leave_failed(self.resume)
