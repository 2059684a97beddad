"""manage_accounts: give or withdraw consent account by account, say what changes, then sync."""
from collections.abc import Iterable
from typing import Any

from widget.flows.account_choice import account_choice
from widget.flows.flow import Flow, Outcome
from widget.flows.run import Step
from widget.flows.step_keys import attempt, seed_keys
from widget.flows.steps import Finish, Screen
from widget.upstream.errors import Conflict, NotFound


class ManageAccountsFlow(Flow):
    @property
    def connection_id(self) -> Any:
        return self.options.get("connection_id")

    def _accounts(self) -> list[dict[str, Any]]:
        return [a for a in self.api.accounts(connection_id=self.connection_id)
                if a.get("status") != "CLOSED"]

    def start(self) -> Outcome:
        seed_keys(self.run)
        try:
            self.api.connection(self.connection_id)
        except NotFound:  # unknown, deleted, or another user's
            return Finish("error", "invalid_connection")
        self.run.step = Step.CHOOSE
        return self.choose_screen()

    def resume(self) -> Outcome:
        if self.run.step == Step.REVIEW:
            return self.review_screen()
        return self.start()

    def choose_screen(self, chosen: Iterable[str] | None = None, error: str | None = None,
                      status: int = 200,
                      accounts: list[dict[str, Any]] | None = None) -> Screen:
        accounts = self._accounts() if accounts is None else accounts
        if chosen is None:
            chosen = [a["id"] for a in accounts if a.get("status") == "ACTIVE"]
        return Screen("manage_accounts", {"accounts": accounts, "chosen": set(chosen),
                                          "error": error}, status=status)

    def review(self, account_ids: Iterable[object]) -> Outcome:
        """The user's new choice: check it, then show what will change before saving."""
        if self.run.step not in (Step.CHOOSE, Step.REVIEW):
            return self.resume()
        accounts = self._accounts()
        known = {a["id"] for a in accounts}
        choice = account_choice(account_ids, known)
        if choice.error:
            return self.choose_screen(choice.shown, choice.error, 422, accounts)
        self.run.step, self.run.chosen = Step.REVIEW, choice.ids
        return self.review_screen(accounts)

    def review_screen(self, accounts: list[dict[str, Any]] | None = None) -> Screen:
        accounts = self._accounts() if accounts is None else accounts
        chosen = set(self.run.chosen)
        active = {a["id"] for a in accounts if a.get("status") == "ACTIVE"}
        return Screen("manage_accounts_review", {
            "granted": [a for a in accounts if a["id"] in chosen - active],
            "withdrawn": [a for a in accounts if a["id"] in active - chosen],
            "kept": [a for a in accounts if a["id"] in chosen & active]})

    def change(self) -> Outcome:
        """Back from the summary to the checklist, with the choice kept."""
        if self.run.step != Step.REVIEW:
            return self.resume()
        self.run.step = Step.CHOOSE
        return self.choose_screen(chosen=self.run.chosen)

    def confirm(self) -> Outcome:
        if self.run.step != Step.REVIEW:
            return self.resume()
        chosen = [i for i in self.run.chosen if i in {a["id"] for a in self._accounts()}]
        self.api.set_consents(self.connection_id, account_ids=chosen)
        self.track("ACCOUNTS_UPDATED", connection_id=self.connection_id, account_ids=chosen,
                   count=len(chosen))
        if not chosen:
            return Finish("success", connection_id=self.connection_id)
        try:
            with attempt(self.run, "sync", self.connection_id) as key:
                self.api.synchronize(self.connection_id, idempotency_key=key)
        except Conflict:  # a channel needs the user first (renewal): the consents are saved
            return Finish("error", "user_action_required", self.connection_id)
        self.track("SYNC_STARTED", connection_id=self.connection_id)
        return Finish("success", connection_id=self.connection_id)
