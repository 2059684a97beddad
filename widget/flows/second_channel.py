"""multiple_channels: once the first channel is consented to, the provider's other channel is
offered; the user adds it (the channel steps again) or goes on to the sync."""
from collections.abc import Callable
from typing import Any

from widget.flows.flow import Along, Next, Outcome
from widget.flows.run import Step
from widget.flows.steps import Screen


class SecondChannel:
    """The channels left in the run's queue; `use` goes through one, `done` is what follows
    when none is left or the user skips them."""

    def __init__(self, along: Along, use: Callable[[dict[str, Any]], Outcome], done: Next) -> None:
        self.along = along
        self.run = along.run
        self.use = use
        self.done = done

    def offer(self) -> Outcome:
        """The next channel if one is left, else on."""
        if self.run.queue:
            self.run.step = Step.NEXT_CHANNEL
            return self.screen()
        return self.done()

    def screen(self) -> Screen:
        error, self.run.channel_error = self.run.channel_error, None  # said once
        return Screen("next_channel", {"provider_name": self.run.provider_name,
                                       "definition": self.run.queue[0], "error": error})

    def add(self, resume: Next) -> Outcome:
        if self.run.step != Step.NEXT_CHANNEL:
            return resume()
        self.run.adding_next = True
        return self.use(self.run.queue.pop(0))

    def skip(self, resume: Next) -> Outcome:
        if self.run.step != Step.NEXT_CHANNEL:
            return resume()
        self.run.queue = []
        return self.done()

    def refused(self, definition: dict[str, Any], error: str) -> Screen:
        """The bank refused the channel being added: it is offered again, with why."""
        self.run.adding_next = False
        self.run.step = Step.NEXT_CHANNEL
        self.run.queue.insert(0, definition)
        screen = self.screen()
        # Said on the screen the widget shows once reopened after this callback.
        screen.context["error"] = self.run.channel_error = error
        return screen
