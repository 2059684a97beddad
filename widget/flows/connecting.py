"""What add_connection and edit_credentials share: a flow composed of the channel, challenge,
consent, second channel and sync steps, and which of them comes after the bank answered."""
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from widget.flows.challenge import Challenge
from widget.flows.channels import Channel
from widget.flows.consent import Consent
from widget.flows.flow import Along, Flow, Outcome, Track
from widget.flows.logins import Login, NewConnection
from widget.flows.run import Run, Step
from widget.flows.second_channel import SecondChannel
from widget.flows.syncing import Sync


class ConnectingFlow(Flow):
    """A flow that connects a channel of a bank; `login_kind` says how its login is sent."""

    login_kind: Callable[[Along], Login] = NewConnection

    def __init__(self, api: Any, run: Run, track: Track, locale: str | None = None) -> None:
        super().__init__(api, run, track, locale)
        along = self.along
        self.sync = Sync(along, look=self.after_connection)
        self.challenge = Challenge(along, lambda: self.challenge_attempts, self.after_connection)
        self.second_channel = SecondChannel(along, use=lambda d: self.channel.use(d),
                                            done=self.sync.start)
        self.consenting = Consent(along, then=self.second_channel.offer)
        self.channel = Channel(along, self.login_kind(along), connected=self.after_connection,
                               refused_second=self.second_channel.refused)

    def start(self) -> Outcome:
        raise NotImplementedError

    def resume(self) -> Outcome:
        """The screen of the step the run stands at (a reload, a resumed link, after terms)."""
        step = self.run.step or Step.START
        if step == Step.FINISHING:  # ended at the bank's callback, shown once the widget is back
            return self.run.ending or self.start()
        if step == Step.CHANNEL_CHOICE:
            return self.channel.choice_screen()
        if step in (Step.BANK_NOTICE, Step.BANK):
            return self.channel.bank_notice_screen()
        if step == Step.CREDENTIALS:
            return self.channel.credentials_screen()
        if step == Step.SYNC_FAILED:
            return self.sync.failed_screen()
        if step == Step.TOO_MANY_ATTEMPTS:
            return self.challenge.too_many_attempts_screen()
        if step in (Step.CHALLENGE, Step.ACCOUNTS, Step.NEXT_CHANNEL, Step.SYNCING):
            return self.after_connection(self.api.connection(self.run.connection_id))
        return self.start()

    def after_connection(self, connection: dict[str, Any]) -> Outcome:
        """Next screen from the connection's state: challenge, accounts, sync or the end."""
        asked = self.challenge.outcome(connection)
        if asked:
            return asked
        step = self.run.step
        if step == Step.CHALLENGE and self.run.after_challenge:
            step = self.run.step = self.run.after_challenge
            self.run.after_challenge = None
        if step == Step.SYNCING:
            return self.sync.screen()
        if step == Step.NEXT_CHANNEL:
            return self.second_channel.screen()
        if step == Step.ACCOUNTS:
            return self.consenting.screen()
        return self.authenticated()

    def authenticated(self) -> Outcome:
        """The bank let the user in with a new channel: its accounts' consent."""
        return self.consenting.ask()

    # The steps the views call
    def choose_channel(self, definition_id: str) -> Outcome:
        return self.channel.choose(definition_id, self.resume)

    def go_to_bank(self, new_state: str, redirect_uri: str, locale: str | None) -> Outcome:
        return self.channel.go_to_bank(new_state, redirect_uri, locale, self.resume)

    def bank_callback(self, state: str, code: str, error: str,
                      redirect_uri: str) -> Outcome | None:
        return self.channel.bank_callback(state, code, error, redirect_uri)

    def submit_credentials(self, form: Mapping[str, str]) -> Outcome:
        return self.channel.submit_credentials(form, self.resume)

    def submit_challenge(self, answer: str) -> Outcome:
        return self.challenge.submit(answer, self.resume)

    def poll(self) -> Outcome:
        return self.sync.poll(self.challenge.shown_again, self.resume)

    def consent(self, account_ids: Iterable[object] = ()) -> Outcome:
        return self.consenting.give(account_ids, self.resume)

    def add_next_channel(self) -> Outcome:
        return self.second_channel.add(self.resume)

    def skip_next_channel(self) -> Outcome:
        return self.second_channel.skip(self.resume)

    def leave_failed(self) -> Outcome:
        return self.sync.leave_failed(self.resume)
