"""What a flow answers: a screen to show, the bank's portal to go to, or the end of the widget."""
from dataclasses import dataclass, field
from typing import Any

Id = str | int  # as the Accounts API gives them


@dataclass
class Screen:
    """Show the screen `name` (templates/widget/screens/<name>.html) with `context`."""

    name: str
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    # False when a waiting screen's poll learnt nothing new: the poller then keeps what it shows.
    changed: bool = True


@dataclass
class Finish:
    """End the widget with this result (DESIGN.md section 5)."""

    result: str
    error: str | None = None
    connection_id: Id | None = None


@dataclass
class BankRedirect:
    """Send the whole window (never a frame) to the bank portal URL the API gave."""

    url: str


def ordered_definitions(provider: dict[str, Any]) -> list[dict[str, Any]]:
    """The provider's channel definitions, REDIRECT first then EMBEDDED (the documented order)."""
    rank = {"REDIRECT": 0, "EMBEDDED": 1}
    return sorted(provider.get("channel_definitions", []), key=lambda d: rank.get(d.get("mode"), 2))
