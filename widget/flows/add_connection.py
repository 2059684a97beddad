"""add_connection: which screen comes next, given the run's state and the API's answers.

Plain Python over an AccountsApi and the run's state dict, so tests can drive it without HTTP.
The view holds the session's lock around every call, which is what makes a double submission
find the step already done instead of creating a second connection.
"""
from widget.flows.channels import ChannelSteps
from widget.flows.connected import ConnectedSteps
from widget.flows.flow import Flow
from widget.flows.run import Step
from widget.flows.step_keys import seed_keys
from widget.flows.steps import Finish, Screen, ordered_definitions
from widget.upstream import NotFound, ProviderUnavailable

WIDGET = "add_connection"
PAGE_SIZE = 30
MAX_SEARCH = 100


class AddConnectionFlow(ChannelSteps, ConnectedSteps, Flow):
    # Entry and resumption
    def start(self):
        self.run.step = Step.START
        seed_keys(self.run)  # saved with this first screen, before any step needs a key
        if self.options.get("provider_id"):
            return self.choose_provider(self.options["provider_id"], forced=True)
        return self.providers()

    def resume(self):
        """The screen of the step the run stands at (a reload, a resumed link, after terms)."""
        step = self.run.step or Step.START
        if step == Step.FINISHING:  # ended at the bank's callback, shown once the widget is back
            return self.run.ending or Finish("error", "bank_error", self.run.connection_id)
        if step == Step.PROVIDERS:
            return self.providers()
        if step == Step.CHANNEL_CHOICE:
            return self.channel_choice_screen()
        if step in (Step.BANK_NOTICE, Step.BANK):
            return self.bank_notice_screen()
        if step == Step.CREDENTIALS:
            return self.credentials_screen()
        if step == Step.SYNC_FAILED:
            return self.sync_failed_screen()
        if step == Step.TOO_MANY_ATTEMPTS:
            return self.too_many_attempts_screen()
        if step in (Step.CHALLENGE, Step.ACCOUNTS, Step.NEXT_CHANNEL, Step.SYNCING):
            return self.after_connection(self.api.connection(self.run.connection_id))
        return self.start()

    # Provider list
    def providers(self, search="", page=0, error=None):
        self.run.step = Step.PROVIDERS
        search = search.strip()[:MAX_SEARCH]
        items, total = self.api.providers(search=search or None, limit=PAGE_SIZE,
                                          offset=page * PAGE_SIZE)
        if search:
            self.track("SEARCH_PROVIDER", search_length=len(search), count=total)
        return Screen("providers", {"providers": items, "total": total, "search": search,
                                    "page": page, "page_size": PAGE_SIZE, "error": error})

    def can_choose_provider(self):
        """Once a connection exists, the run is about that bank only."""
        return not self.run.connection_id

    def choose_provider(self, provider_id, forced=False):
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
            return self.provider_down()
        self.track("SELECT_PROVIDER", provider_id=provider["id"])
        definitions = ordered_definitions(provider)
        wanted = self.options.get("channel_definition_id")
        if wanted:
            definitions = [d for d in definitions if d.get("id") == wanted]
        if not definitions:
            return Finish("error", "invalid_channel")
        self.run.provider_id, self.run.provider_name = provider["id"], provider["name"]
        self.run.queue = []
        if self.options.get("select_channel") and len(definitions) > 1:
            return self.offer_channels(definitions)
        if self.options.get("multiple_channels"):
            self.run.queue = definitions[1:]
        return self.use_definition(definitions[0])
