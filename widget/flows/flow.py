"""What every flow is built with; each flow class then says only what it does."""
from collections.abc import Callable
from typing import Any

from widget.flows.run import Run

# track(name, **data): records an event of the widget being run.
Track = Callable[..., None]


class Flow:
    """A flow over the Accounts API and the run it changes; `locale` is the language the user
    reads (the terms are fetched in it), given by the caller so that flows need no Flask."""

    def __init__(self, api: Any, run: Run, track: Track, locale: str | None = None) -> None:
        self.api = api
        self.run = run
        self.options: dict[str, Any] = run.options
        self.track = track
        self.locale = locale
