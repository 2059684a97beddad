"""professional-account: which accounts are professional, with their company's name and SIREN."""
from typing import Any, Protocol

from widget.flows.flow import Flow, Outcome
from widget.flows.run import Step
from widget.flows.steps import Finish, Screen
from widget.siren import normalized_siren, siren_problem
from widget.upstream.errors import NotFound

MAX_COMPANY_NAME = 100


class Form(Protocol):
    """A posted form (werkzeug's MultiDict): one value by name, or all of a name's."""

    def get(self, key: str, default: str) -> str: ...

    def getlist(self, key: str) -> list[str]: ...


def company_errors(name: str, siren: str) -> dict[str, str]:
    """{field: error code} for one professional account's company fields."""
    errors = {}
    if not name.strip():
        errors["company_name"] = "required"
    elif len(name.strip()) > MAX_COMPANY_NAME:
        errors["company_name"] = "too_long"
    problem = siren_problem(siren) if siren else "required"
    if problem:
        errors["siren"] = problem
    return errors


class ProfessionalAccountFlow(Flow):
    def _accounts(self) -> list[dict[str, Any]]:
        accounts: list[dict[str, Any]] = self.api.accounts(
            connection_id=self.options.get("connection_id"))
        return accounts

    def start(self) -> Outcome:
        if self.options.get("connection_id"):
            try:
                self.api.connection(self.options["connection_id"])
            except NotFound:  # unknown, deleted, or another user's
                return Finish("error", "invalid_connection")
        self.run.step = Step.ACCOUNTS
        return self.accounts_screen()

    resume = start

    def accounts_screen(self, values: dict[str, dict[str, Any]] | None = None,
                        errors: dict[str, Any] | None = None, status: int = 200,
                        accounts: list[dict[str, Any]] | None = None) -> Screen:
        accounts = self._accounts() if accounts is None else accounts
        if values is None:
            values = {a["id"]: {"professional": a.get("usage") == "PROFESSIONAL",
                                "company_name": a.get("company_name") or "",
                                "siren": a.get("siren") or ""} for a in accounts}
        return Screen("professional_accounts", {"accounts": accounts, "values": values,
                                                "errors": errors or {}}, status=status)

    def save(self, form: Form) -> Outcome:
        """Check every professional account's company fields, then save what changed."""
        if self.run.step != Step.ACCOUNTS:
            return self.resume()
        accounts = self._accounts()
        known = {a["id"] for a in accounts}
        checked = set(form.getlist("professional"))
        if not checked <= known:
            return self.accounts_screen(None, {"_form": "invalid_selection"}, 422, accounts)
        values: dict[str, dict[str, Any]] = {}
        errors: dict[str, Any] = {}
        for account in accounts:
            account_id = account["id"]
            entry: dict[str, Any] = {"professional": account_id in checked,
                     "company_name": form.get("company_name-" + account_id, "")[:1000],
                     "siren": normalized_siren(form.get("siren-" + account_id, ""))[:100]}
            values[account_id] = entry
            if entry["professional"]:
                found = company_errors(entry["company_name"], entry["siren"])
                if found:
                    errors[account_id] = found
        if errors:
            return self.accounts_screen(values, errors, 422, accounts)
        saved = []
        for account in accounts:
            entry = values[account["id"]]
            wanted = ("PROFESSIONAL", entry["company_name"].strip(), entry["siren"]) \
                if entry["professional"] else ("PERSONAL", None, None)
            current = (account.get("usage"), account.get("company_name"), account.get("siren"))
            if account.get("usage") == "PERSONAL" and wanted[0] == "PERSONAL":
                continue
            if wanted != current:
                self.api.update_account(account["id"], *wanted)
                saved.append(account["id"])
        self.track("PROFESSIONAL_ACCOUNTS_SAVED", account_ids=saved, count=len(saved),
                   connection_id=self.options.get("connection_id"))
        return Finish("success", connection_id=self.options.get("connection_id"))
