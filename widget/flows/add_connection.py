"""add_connection: which screen comes next, given the run's state and the API's answers.

Plain Python over an AccountsApi and the run (flows/run.py), so tests can drive it without HTTP.
The view holds the session's lock around every call, which is what makes a double submission
find the step already done instead of creating a second connection.
"""
from widget.flows.connecting import ConnectingFlow
from widget.flows.flow import Outcome
from widget.flows.run import Step
from widget.flows.step_keys import seed_keys
from widget.flows.steps import Finish, Screen, ordered_definitions
from widget.upstream.errors import NotFound, ProviderUnavailable

WIDGET = "add_connection"
PAGE_SIZE = 30
MAX_SEARCH = 100


class AddConnectionFlow(ConnectingFlow):
    """The user picks a bank, then ConnectingFlow's steps connect it."""

    def start(self) -> Outcome:
        self.run.step = Step.START
        seed_keys(self.run)  # saved with this first screen, before any step needs a key
        if self.options.get("provider_id"):
            return self.choose_provider(self.options["provider_id"], forced=True)
        return self.providers()

    def resume(self) -> Outcome:
        if self.run.step == Step.PROVIDERS:
            return self.providers()
        return super().resume()

    # Provider list
    def providers(self, search: str = "", page: int = 0, error: str | None = None) -> Outcome:
        self.run.step = Step.PROVIDERS
        search = search.strip()[:MAX_SEARCH]
        country = self.options.get("country")
        found = self.api.providers(search=search or None, limit=PAGE_SIZE,
                                   offset=page * PAGE_SIZE, country=country)
        if search:
            self.track("SEARCH_PROVIDER", search_length=len(search), count=found.total)
        return Screen("providers", {"providers": found.providers, "total": found.total,
                                    "capped": found.capped, "country": country,
                                    "search": search, "page": page, "page_size": PAGE_SIZE,
                                    "error": error})

    def can_choose_provider(self) -> bool:
        """Once a connection exists, the run is about that bank only."""
        return not self.run.connection_id

    def back_to_providers(self) -> Outcome:
        """Back to the list from a bank's screen, unless the run is about one bank only."""
        if not self.can_choose_provider() or self.options.get("provider_id"):
            return self.resume()
        return self.providers()

    def choose_provider(self, provider_id: str, forced: bool = False) -> Outcome:
        if not self.can_choose_provider():
            return self.resume()
        try:
            provider = self.api.provider(provider_id)
        except NotFound:
            if forced:
                return Finish("error", "invalid_provider")
            return self.providers(error="invalid_provider")
        except ProviderUnavailable:
            self.run.provider_id = provider_id
            return self.channel.provider_down()
        if provider.get("status") == "DOWN":  # reported down though it answered: same screen
            self.run.provider_id = provider_id
            return self.channel.provider_down()
        self.track("SELECT_PROVIDER", provider_id=provider["id"])
        definitions = ordered_definitions(provider)
        wanted = self.options.get("channel_definition_id")
        if wanted:
            definitions = [d for d in definitions if d.get("id") == wanted]
        if not definitions:
            return Finish("error", "invalid_channel")
        self.run.provider_id, self.run.provider_name = provider["id"], provider["name"]
        # The bank's screens say it may be slow or fail (templates/.../_provider_status.html).
        self.run.provider_degraded = provider.get("status") == "DEGRADED"
        self.run.queue = []
        if self.options.get("select_channel") and len(definitions) > 1:
            return self.channel.offer(definitions)
        if self.options.get("multiple_channels"):
            self.run.queue = definitions[1:]
        return self.channel.use(definitions[0])
