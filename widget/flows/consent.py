"""The consent step: the user shares the connection's accounts (those checked, with
select_accounts), or consented by connecting (non-captive)."""
from collections.abc import Iterable
from typing import Any

from widget.flows.account_choice import account_choice
from widget.flows.flow import Along, Next, Outcome
from widget.flows.run import Step
from widget.flows.steps import Screen


class Consent:
    """Asks for the consent once the bank let the user in; `then` is where the flow goes once
    it is given."""

    def __init__(self, along: Along, then: Next) -> None:
        self.along = along
        self.run = along.run
        self.then = then

    def ask(self) -> Outcome:
        """The bank let the user in: consent to the accounts (on screen, or as said before)."""
        options = self.along.options
        if not options.get("captive_mode", True) and not options.get("select_accounts"):
            # Non-captive: consenting by connecting (stated before), the Client polls.
            return self._give(all_accounts=True)
        self.run.step = Step.ACCOUNTS
        return self.screen()

    def _channel_accounts(self) -> list[dict[str, Any]]:
        accounts: list[dict[str, Any]] = self.along.api.accounts(
            connection_id=self.run.connection_id)
        channel_id = self.run.channel_id
        return [a for a in accounts if not channel_id or a.get("channel_id") in (None, channel_id)]

    def screen(self, error: str | None = None, chosen: Iterable[str] | None = None,
               status: int = 200, accounts: list[dict[str, Any]] | None = None) -> Screen:
        accounts = self._channel_accounts() if accounts is None else accounts
        select = bool(self.along.options.get("select_accounts"))
        return Screen("accounts", {
            "accounts": accounts, "provider_name": self.run.provider_name, "select": select,
            "chosen": set(chosen if chosen is not None else [a["id"] for a in accounts]),
            "error": error}, status=status)

    def give(self, account_ids: Iterable[object], resume: Next) -> Outcome:
        """The user consents (to the accounts they checked, with select_accounts)."""
        if self.run.step != Step.ACCOUNTS:
            return resume()
        selecting = self.along.options.get("select_accounts")
        accounts = self._channel_accounts() if selecting else []
        known = {a["id"] for a in accounts}
        if not known:  # nothing to choose from: the consent covers the accounts yet to come
            return self._give(all_accounts=True)
        choice = account_choice(account_ids, known)
        if choice.error:
            return self.screen(choice.error, choice.shown, 422, accounts)
        self.along.track("SELECT_ACCOUNTS", connection_id=self.run.connection_id,
                         account_ids=choice.ids, count=len(choice.ids))
        self.run.consented_ids = self.run.consented_ids + choice.ids
        return self._give(account_ids=self.run.consented_ids)

    def _give(self, **which: Any) -> Outcome:
        self.along.api.set_consents(self.run.connection_id, **which)
        self.along.track("CONSENT_ACCEPTED", connection_id=self.run.connection_id)
        return self.then()
