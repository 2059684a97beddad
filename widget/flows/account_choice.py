"""The one rule for a user's checked accounts (add_connection's consent, manage_accounts)."""
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_SELECTED = 500


@dataclass
class AccountChoice:
    """The checked ids, once each and at most MAX_SELECTED; `error` says why they cannot be used,
    and `shown` is what the screen shows checked again then."""

    ids: list[str]
    error: str | None = None
    shown: set[str] = field(default_factory=set)


def account_choice(account_ids: Iterable[object], known: set[str]) -> AccountChoice:
    """Check the user's choice against the accounts they could choose from."""
    chosen = list(dict.fromkeys(str(i) for i in account_ids))[:MAX_SELECTED]
    if not chosen:
        return AccountChoice(chosen, "none_selected")
    if not set(chosen) <= known:
        return AccountChoice(chosen, "invalid_selection", set(chosen) & known)
    return AccountChoice(chosen)
