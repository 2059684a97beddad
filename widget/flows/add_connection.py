"""add_connection: which screen comes next, given the run's state and the API's answers.

Plain Python over an AccountsApi and the run (flows/run.py), so tests can drive it without HTTP.
The view holds the session's lock around every call, which is what makes a double submission
find the step already done instead of creating a second connection.
"""
from typing import Any

from widget.flows.connecting import ConnectingFlow
from widget.flows.duplicates import existing_connection, renewable_channel
from widget.flows.flow import Outcome
from widget.flows.logins import Renewal
from widget.flows.run import Step
from widget.flows.step_keys import seed_keys
from widget.flows.steps import Finish, Screen, ordered_definitions
from widget.upstream.errors import NotFound, ProviderUnavailable

WIDGET = "add_connection"
PAGE_SIZE = 30
MAX_SEARCH = 100


class AddConnectionFlow(ConnectingFlow):
    """The user picks a bank, then ConnectingFlow's steps connect it, or renew the user's
    connection there (flows/duplicates.py)."""

    # Sends a new connection's login, or the existing connection's when the user updates it.
    login_kind = Renewal

    def start(self) -> Outcome:
        self.run.step = Step.START
        seed_keys(self.run)  # saved with this first screen, before any step needs a key
        if self.options.get("provider_id"):
            return self.choose_provider(self.options["provider_id"], forced=True)
        return self.providers()

    def resume(self) -> Outcome:
        if self.run.step == Step.PROVIDERS:
            return self.providers()
        if self.run.step == Step.DUPLICATE:
            return self.duplicate_screen()
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
        self.run.provider_id, self.run.provider_name = provider["id"], provider["name"]
        # The bank's screens say it may be slow or fail (templates/.../_provider_status.html).
        self.run.provider_degraded = provider.get("status") == "DEGRADED"
        existing = existing_connection(self.api.connections(), provider, self.offered(provider))
        if existing is not None:
            self.run.step, self.run.existing_connection_id = Step.DUPLICATE, existing["id"]
            return self.duplicate_screen()
        return self.connect_to(provider)

    def definitions(self, provider: dict[str, Any]) -> list[dict[str, Any]]:
        """The provider's channel definitions this run may use (channel_definition_id)."""
        definitions = ordered_definitions(provider)
        wanted = self.options.get("channel_definition_id")
        return [d for d in definitions if d.get("id") == wanted] if wanted else definitions

    def offered(self, provider: dict[str, Any]) -> list[dict[str, Any]]:
        """The channels the user may connect first: all of them with select_channel, else the
        first (multiple_channels' others come after it, on the same connection)."""
        definitions = self.definitions(provider)
        return definitions if self.options.get("select_channel") else definitions[:1]

    def connect_to(self, provider: dict[str, Any]) -> Outcome:
        """A new connection to `provider`: its channel, chosen or the first."""
        definitions = self.definitions(provider)
        if not definitions:
            return Finish("error", "invalid_channel")
        self.run.queue = []
        if self.options.get("select_channel") and len(definitions) > 1:
            return self.channel.offer(definitions)
        if self.options.get("multiple_channels"):
            self.run.queue = definitions[1:]
        return self.channel.use(definitions[0])

    # The user already has a connection to this bank (flows/duplicates.py)
    def duplicate_screen(self, error: str | None = None, status: int = 200) -> Screen:
        return Screen("duplicate", {"provider_name": self.run.provider_name, "error": error,
                                    "allow_duplicates": bool(self.options.get("allow_duplicates")),
                                    "can_go_back": not self.options.get("provider_id")},
                      status=status)

    def answer_duplicate(self, choice: str) -> Outcome:
        """`update` the existing connection, or `add` another (only with allow_duplicates)."""
        if self.run.step != Step.DUPLICATE:
            return self.resume()
        if choice == "update":
            return self.update_existing()
        if choice == "add" and self.options.get("allow_duplicates"):
            self.run.existing_connection_id = None
            try:
                return self.connect_to(self.api.provider(self.run.provider_id))
            except NotFound:
                return self.providers(error="invalid_provider")
            except ProviderUnavailable:
                return self.channel.provider_down()
        return self.duplicate_screen(error="invalid_choice", status=422)

    def update_existing(self) -> Outcome:
        """edit_credentials' renewal of the existing connection's channel, then its sync."""
        try:
            connection = self.api.connection(self.run.existing_connection_id)
            provider = self.api.provider(connection["provider_id"])
        except NotFound:  # deleted meanwhile: the user may now add it
            self.run.existing_connection_id = None
            return self.choose_provider(str(self.run.provider_id))
        except ProviderUnavailable:
            return self.channel.provider_down()
        renewable = renewable_channel(self.offered(provider), connection)
        if renewable is None:
            return self.connect_to(provider)
        channel, definition = renewable
        self.run.connection_id, self.run.existing_connection_id = connection["id"], None
        self.run.renew_channel_id = self.run.channel_id = channel["id"]
        self.run.known_values = {"login": channel["login"]} if channel.get("login") else {}
        self.run.queue = []
        return self.channel.use(definition)

    def authenticated(self) -> Outcome:
        if self.run.renew_channel_id:  # an update: the consent stands, synchronise again
            return self.sync.start()
        return super().authenticated()
