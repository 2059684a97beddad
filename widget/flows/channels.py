"""add_connection's channel steps: which channel, then the bank's portal or the credential form."""
import hmac

from widget.flows.run import Step
from widget.flows.step_keys import attempt
from widget.flows.steps import BankRedirect, Finish, Screen
from widget.upstream import BadRequest, Conflict, Forbidden, NotFound, ProviderUnavailable

MAX_FIELD = 256
MODES = ("REDIRECT", "EMBEDDED")


class ChannelSteps:
    """Mixed into AddConnectionFlow: from a chosen provider to a connection (or a new channel)."""

    def offer_channels(self, definitions):
        """Several channels and select_channel: the user says which one (the dialog)."""
        self.run.step, self.run.choices = Step.CHANNEL_CHOICE, definitions
        return self.channel_choice_screen()

    def channel_choice_screen(self, error=None, status=200):
        return Screen("channel_choice", {"provider_name": self.run.provider_name,
                                         "definitions": self.run.choices, "error": error,
                                         "can_go_back": not self.options.get("provider_id")},
                      status=status)

    def choose_channel(self, definition_id):
        if self.run.step != Step.CHANNEL_CHOICE:
            return self.resume()
        choices = self.run.choices
        chosen = next((d for d in choices if d["id"] == definition_id), None)
        if chosen is None:
            return self.channel_choice_screen(error="invalid_channel", status=422)
        if self.options.get("multiple_channels"):
            self.run.queue = [d for d in choices if d is not chosen]
        return self.use_definition(chosen)

    def use_definition(self, definition):
        """Go on with this channel definition: the bank's portal or the credential form."""
        if definition.get("mode") not in MODES:
            return Finish("error", "invalid_channel", self.run.connection_id)
        self.run.definition = definition
        self.track("SELECT_CHANNEL", provider_id=self.run.provider_id,
                   channel_definition_id=definition["id"], mode=definition["mode"])
        if definition["mode"] == "REDIRECT":
            self.run.step = Step.BANK_NOTICE
            return self.bank_notice_screen()
        self.run.step = Step.CREDENTIALS
        return self.credentials_screen()

    def _can_go_back(self):
        return not self.options.get("provider_id") and not self.run.connection_id

    # REDIRECT: the bank's own portal
    def bank_notice_screen(self, error=None):
        return Screen("bank_notice", {"provider_name": self.run.provider_name,
                                      "definition": self.run.definition, "error": error,
                                      "adding": bool(self.run.connection_id),
                                      "can_go_back": self._can_go_back()})

    def go_to_bank(self, new_state, redirect_uri, locale):
        """The portal URL for this channel, with a `state` only this run will accept back."""
        if self.run.step not in (Step.BANK_NOTICE, Step.BANK):
            return self.resume()
        state = self.run.bank_state or new_state  # a second click reuses the pending one
        definition = self.run.definition
        try:
            with attempt(self.run, "bank", state) as key:
                answer = self.api.authorize_url(self.run.provider_id, definition["id"],
                                                redirect_uri, state, locale, idempotency_key=key)
        except ProviderUnavailable:
            return self.provider_down()
        url = str((answer or {}).get("authorize_url") or "")
        if not url.startswith(("https://", "http://")):
            # Whatever else the API answered, the widget only ever sends users to a web page.
            self.track("ERROR", error="invalid_authorize_url")
            return Screen("upstream_error", status=502)
        self.run.step, self.run.bank_state = Step.BANK, state
        self.track("REDIRECT_TO_PROVIDER", provider_id=self.run.provider_id,
                   channel_definition_id=definition["id"])
        return BankRedirect(url)

    def bank_callback(self, state, code, error, redirect_uri):
        """The bank sent the user back: the connection from its code, or the refusal; None for
        a `state` this run is not waiting for."""
        outcome = self._bank_answer(state, code, error, redirect_uri)
        if isinstance(outcome, Finish):
            # Told where the widget is opened again, so an iframe's parent hears of it too.
            self.run.end_at_bank(outcome)
        return outcome

    def _bank_answer(self, state, code, error, redirect_uri):
        expected = self.run.bank_state
        if self.run.step != Step.BANK or not expected or not state or \
                not hmac.compare_digest(expected.encode(), state.encode()):
            return None  # not a state this run is waiting for
        self.run.bank_state = None  # once: a replay finds nothing to accept
        definition = self.run.definition
        self.track("PROVIDER_CALLBACK", provider_id=self.run.provider_id,
                   channel_definition_id=definition["id"],
                   error=bank_error_code(error) if error else None)
        if error or not code:
            if self.run.adding_next:  # the optional second channel: offer it again
                self.run.adding_next = False
                self.run.step = Step.NEXT_CHANNEL
                self.run.queue.insert(0, definition)
                screen = self.next_channel_screen()
                # Said on the screen the widget shows once reopened after this callback.
                screen.context["error"] = self.run.channel_error = bank_error_code(error)
                return screen
            return Finish("error", bank_error_code(error), self.run.connection_id)
        try:
            return self._connect(authorization_code=code, redirect_uri=redirect_uri)
        except (Forbidden, BadRequest, Conflict, NotFound) as exc:
            self.track("ERROR", error=exc.code)
            return Finish("error", "bank_error", self.run.connection_id)
        except ProviderUnavailable:
            return self.provider_down()

    # EMBEDDED: the credential form
    def credentials_screen(self, error=None, values=None, field_errors=None, status=200):
        return Screen("credentials", {
            "provider_name": self.run.provider_name, "definition": self.run.definition,
            "values": values or self.run.known_values or {}, "error": error,
            "field_errors": field_errors or {},
            "captive": self.options.get("captive_mode", True),
            "can_go_back": self._can_go_back()}, status=status)

    def submit_credentials(self, form):
        if self.run.step != Step.CREDENTIALS:
            return self.resume()  # a resubmission: the step is already done
        fields = self.run.definition.get("credential_fields", [])
        credentials, field_errors = {}, {}
        for spec in fields:
            value = form.get(spec["name"], "")
            if not value.strip():
                field_errors[spec["name"]] = "required"
            elif len(value) > MAX_FIELD:
                field_errors[spec["name"]] = "too_long"
            credentials[spec["name"]] = value
        shown = {s["name"]: credentials.get(s["name"], "") for s in fields
                 if s.get("type") != "PASSWORD" and len(credentials.get(s["name"], "")) <= MAX_FIELD}
        if field_errors:
            return self.credentials_screen(values=shown, field_errors=field_errors, status=422)
        self.track("SUBMIT_CREDENTIALS", provider_id=self.run.provider_id,
                   channel_definition_id=self.run.definition["id"])
        try:
            return self._connect(credentials=credentials)
        except Forbidden as exc:
            self.track("ERROR", error=exc.code)
            return self.credentials_screen(error=exc.code, values=shown, status=422)
        except ProviderUnavailable:
            return self.provider_down()
        finally:
            credentials.clear()

    def _connect_step(self, auth):
        """The step of sending this login: a bank's code is a step of its own, since a new trip
        to the bank brings a new code; credentials typed again are the same step."""
        return ("connect", self.run.definition["id"], auth.get("authorization_code", ""))

    def _connect(self, **auth):
        """Create the connection, or add this channel to the run's connection."""
        definition_id = self.run.definition["id"]
        if self.run.connection_id:
            with attempt(self.run, *self._connect_step(auth)) as key:
                connection = self.api.add_channel(self.run.connection_id, definition_id,
                                                  idempotency_key=key, **auth)
            channel = next((c for c in reversed(connection.get("channels") or [])
                            if c.get("channel_definition_id") == definition_id), {})
            self.run.channel_id = channel.get("id")
            self.track("CHANNEL_ADDED", connection_id=connection["id"], channel_id=channel.get("id"),
                       channel_definition_id=definition_id)
        else:
            with attempt(self.run, *self._connect_step(auth)) as key:
                connection = self.api.create_connection(self.run.provider_id, definition_id,
                                                        idempotency_key=key, **auth)
            self.run.connection_id = connection["id"]
            self.run.channel_id = self._channel(connection).get("id")
            self.track("CONNECTION_CREATED", connection_id=connection["id"],
                       channel_id=self.run.channel_id)
        return self.after_connection(connection)

    def provider_down(self):
        return Screen("provider_down", {"provider_id": self.run.provider_id}, status=503)


def bank_error_code(error):
    """The stable code of a bank's refusal (`error=` on the callback)."""
    if not error:
        return "bank_error"
    return "bank_denied" if error == "access_denied" else "bank_error"
