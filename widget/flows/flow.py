"""What every flow and every step of one is built with; each then says only what it does."""
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from widget.flows.run import Run
from widget.flows.steps import BankRedirect, Finish, Screen

# track(name, **data): records an event of the widget being run.
Track = Callable[..., None]
# What a flow or a step answers: a screen, the bank's portal, or the end of the widget.
Outcome = Screen | Finish | BankRedirect
# A step's way on, given by the flow that composes it: where the run goes next.
Next = Callable[[], Outcome]


class Attempts(Protocol):
    """Wrong answers to the bank's challenges, counted against a limit (widget/limits.py)."""

    def exhausted(self) -> bool: ...

    def wrong(self) -> bool: ...


class UncountedAttempts:
    """A flow built outside a request (its unit tests) counts no wrong answers."""

    def exhausted(self) -> bool:
        return False

    def wrong(self) -> bool:
        return False


@dataclass
class Along:
    """What a step of a flow works with: the Accounts API, the run it changes, the events it
    records, and the flow's clock (read through the flow, which a request or a test sets)."""

    api: Any
    run: Run
    track: Track
    clock: Callable[[], float]

    @property
    def options(self) -> dict[str, Any]:
        return self.run.options


class Flow:
    """A flow over the Accounts API and the run it changes; `locale` is the language the user
    reads (the terms are fetched in it), given by the caller so that flows need no Flask."""

    # A request's flow has the app's clock, config and challenge attempts (views/runs.py).
    clock: Callable[[], float] = staticmethod(time.time)
    config: Mapping[str, Any] = {}
    challenge_attempts: Attempts = UncountedAttempts()

    def __init__(self, api: Any, run: Run, track: Track, locale: str | None = None) -> None:
        self.api = api
        self.run = run
        self.options: dict[str, Any] = run.options
        self.track = track
        self.locale = locale
        self.along = Along(api, run, track, lambda: self.clock())
