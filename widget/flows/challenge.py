"""The challenge step: the bank asks the user something (a code, an app's approval) on the run's
channel; the answer is checked, or the channel's state ends the run."""
from collections.abc import Callable
from typing import Any

from widget.flows.flow import Along, Attempts, Next, Outcome
from widget.flows.run import Step
from widget.flows.step_keys import attempt
from widget.flows.steps import Finish, Screen
from widget.upstream.errors import Conflict, Forbidden

MAX_ANSWER = 256
BLOCKED = {"USER_ACTION_REQUIRED": "user_action_required",
           "PASSWORD_CHANGE_REQUIRED": "user_action_required",
           "TOKEN_EXPIRED": "token_expired", "AUTH_FAILED": "challenge_failed"}


def run_channel(run_channel_id: object, connection: dict[str, Any]) -> dict[str, Any]:
    """The connection's channel the run is about (its last one if the run names none)."""
    channels: list[dict[str, Any]] = connection.get("channels") or [{}]
    return next((c for c in channels if c.get("id") == run_channel_id), channels[-1])


def needs_a_look(channel: dict[str, Any]) -> bool:
    """A channel the user must act on (a challenge) or that stopped the run."""
    status = channel.get("status")
    return status == "CHALLENGE_REQUIRED" or status in BLOCKED


class Challenge:
    """Asks the pending challenge and checks its answers; `answered` is where the flow goes
    with the connection once the bank has an answer (or no longer waits for one)."""

    def __init__(self, along: Along, attempts: Callable[[], Attempts],
                 answered: Callable[[dict[str, Any]], Outcome]) -> None:
        self.along = along
        self.run = along.run
        self.attempts = attempts
        self.answered = answered

    def channel(self, connection: dict[str, Any]) -> dict[str, Any]:
        return run_channel(self.run.channel_id, connection)

    def outcome(self, connection: dict[str, Any]) -> Outcome | None:
        """The challenge to show, or the ending of a channel that cannot go on; None when the
        run's channel needs nothing of the user."""
        channel = self.channel(connection)
        status = channel.get("status")
        connection_id = connection["id"]
        challenge = channel.get("challenge") or {}
        if status == "CHALLENGE_REQUIRED" and challenge.get("status") == "PENDING":
            return self.screen(connection_id, challenge)
        if status in ("CHALLENGE_REQUIRED", "AUTH_FAILED") and challenge.get("status") == "EXPIRED":
            return Finish("error", "challenge_expired", connection_id)
        if status in BLOCKED or status == "CHALLENGE_REQUIRED":
            return Finish("error", BLOCKED.get(str(status), "challenge_failed"), connection_id)
        return None

    def screen(self, connection_id: object, challenge: dict[str, Any], error: str | None = None,
               status: int = 200) -> Screen:
        run = self.run
        if run.step == Step.SYNCING:  # the bank asks again mid-sync: back to it after
            run.after_challenge = Step.SYNCING
        if run.step != Step.CHALLENGE or run.challenge_id != challenge["id"]:
            self.along.track("CHALLENGE_REQUIRED", connection_id=connection_id,
                             challenge_type=challenge.get("type"))
        shown = {k: challenge.get(k) for k in ("id", "type", "label", "expires_at")}
        run.step, run.challenge_id, run.challenge = Step.CHALLENGE, challenge["id"], shown
        return Screen("challenge", {"challenge": shown, "error": error,
                                    "provider_name": run.provider_name}, status=status)

    def shown_again(self) -> Screen:
        """The challenge as last shown (a poll too soon to ask the API again)."""
        return Screen("challenge", {"challenge": self.run.challenge,
                                    "provider_name": self.run.provider_name})

    def submit(self, answer: str, resume: Next) -> Outcome:
        run = self.run
        if run.step != Step.CHALLENGE:
            return resume()  # answered already, or never asked: where the run stands
        if not answer.strip() or len(answer) > MAX_ANSWER:
            return self._again("required")
        if self.attempts().exhausted():
            return self.too_many_attempts()
        self.along.track("SUBMIT_CHALLENGE", connection_id=run.connection_id)
        try:
            with attempt(run, "challenge", run.challenge_id) as key:
                connection = self.along.api.answer_challenge(
                    run.connection_id, run.channel_id, run.challenge_id, answer,
                    idempotency_key=key)
        except Forbidden as exc:
            self.along.track("ERROR", error=exc.code)
            if self.attempts().wrong():  # ours stops guessing even if the bank allows more
                return self.too_many_attempts()
            return self._again(exc.code)
        except Conflict:  # no longer pending (approved meanwhile, or expired): read where it stands
            connection = self.along.api.connection(run.connection_id)
        return self.answered(connection)

    def too_many_attempts(self) -> Screen:
        self.run.step = Step.TOO_MANY_ATTEMPTS
        return self.too_many_attempts_screen()

    @staticmethod
    def too_many_attempts_screen() -> Screen:
        return Screen("too_many_attempts", status=429)

    def _again(self, error: str) -> Outcome:
        screen = self.answered(self.along.api.connection(self.run.connection_id))
        if isinstance(screen, Screen) and screen.name == "challenge":
            screen.context["error"] = error
            screen.status = 422
        return screen
