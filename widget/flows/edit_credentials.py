"""edit_credentials: renew a channel (the 90-day PSD2 renewal) or add the provider's other one.

The same steps as add_connection once the channel is chosen (bank portal or credential form,
challenge, sync), on an existing connection.
"""
from typing import Any

from widget.flows.connecting import ConnectingFlow
from widget.flows.flow import Outcome
from widget.flows.logins import Renewal
from widget.flows.run import Step
from widget.flows.step_keys import seed_keys
from widget.flows.steps import Finish, Screen, ordered_definitions
from widget.upstream.errors import NotFound, ProviderUnavailable


class EditCredentialsFlow(ConnectingFlow):
    """The channel to renew or add, then ConnectingFlow's steps; a renewal's login renews."""

    login_kind = Renewal

    def start(self) -> Outcome:
        self.run.step = Step.START
        seed_keys(self.run)
        connection_id = self.options.get("connection_id")
        try:
            connection = self.api.connection(connection_id)
            provider = self.api.provider(connection["provider_id"])
        except NotFound:  # unknown, deleted, or another user's
            return Finish("error", "invalid_connection")
        except ProviderUnavailable:
            return Finish("error", "provider_unavailable", connection_id)
        self.run.connection_id, self.run.provider_id = connection["id"], provider["id"]
        self.run.provider_name, self.run.queue = provider["name"], []
        channels = {c.get("channel_definition_id"): c for c in connection.get("channels") or []}
        choices: list[dict[str, Any]] = [{"definition": d, "channel": channels.get(d["id"])}
                   for d in ordered_definitions(provider)]
        wanted = self.options.get("channel_definition_id")
        if wanted:
            choices = [c for c in choices if c["definition"]["id"] == wanted]
            if not choices:
                return Finish("error", "invalid_channel", connection_id)
        self.run.edit_choices = choices
        if len(choices) == 1:
            return self._edit(choices[0])
        self.run.step = Step.EDIT_CHOICE
        return self.edit_choice_screen()

    def resume(self) -> Outcome:
        if self.run.step == Step.EDIT_CHOICE:
            return self.edit_choice_screen()
        return super().resume()

    # add_connection's provider routes: the run is about its connection's bank only
    def back_to_providers(self) -> Outcome:
        return self.resume()

    def providers(self, search: str = "", page: int = 0, error: str | None = None) -> Outcome:
        return self.resume()

    def choose_provider(self, provider_id: str) -> Outcome:
        return self.resume()

    def edit_choice_screen(self, error: str | None = None, status: int = 200) -> Screen:
        return Screen("edit_choice", {"provider_name": self.run.provider_name,
                                      "choices": self.run.edit_choices, "error": error},
                      status=status)

    def edit_channel(self, definition_id: str) -> Outcome:
        """The user picked a channel to renew, or the missing one to add."""
        if self.run.step != Step.EDIT_CHOICE:
            return self.resume()
        choice = next((c for c in self.run.edit_choices
                       if c["definition"]["id"] == definition_id), None)
        if choice is None:
            return self.edit_choice_screen(error="invalid_channel", status=422)
        return self._edit(choice)

    def _edit(self, choice: dict[str, Any]) -> Outcome:
        channel = choice["channel"]
        if channel:  # renewal: the login is shown again, a password never
            self.run.renew_channel_id = self.run.channel_id = channel["id"]
            self.run.known_values = {"login": channel["login"]} if channel.get("login") else {}
        return self.channel.use(choice["definition"])

    def authenticated(self) -> Outcome:
        if self.run.renew_channel_id:  # the consent stands: synchronise again
            return self.sync.start()
        return super().authenticated()
