"""The channel step: which channel, then the bank's portal or the credential form, up to a login
the API accepted (add_connection, and edit_credentials once it knows the channel)."""
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from widget.flows.flow import Along, Next, Outcome
from widget.flows.logins import Login
from widget.flows.run import Step
from widget.flows.step_keys import attempt
from widget.flows.steps import BankRedirect, Finish, Screen
from widget.upstream.errors import BadRequest, Conflict, Forbidden, NotFound, ProviderUnavailable

MAX_FIELD = 256
MODES = ("REDIRECT", "EMBEDDED")


class Channel:
    """From a chosen provider to a login the API accepted: `login` sends it, `connected` is
    where the flow goes with the connection, `refused_second` where the bank's refusal of the
    optional second channel goes (it is offered again)."""

    def __init__(self, along: Along, login: Login, connected: Callable[[dict[str, Any]], Outcome],
                 refused_second: Callable[[dict[str, Any], str], Outcome]) -> None:
        self.along = along
        self.run = along.run
        self.options = along.options
        self.track = along.track
        self.login = login
        self.connected = connected
        self.refused_second = refused_second

    def offer(self, definitions: list[dict[str, Any]]) -> Screen:
        """Several channels and select_channel: the user says which one (the dialog)."""
        self.run.step, self.run.choices = Step.CHANNEL_CHOICE, definitions
        return self.choice_screen()

    def choice_screen(self, error: str | None = None, status: int = 200) -> Screen:
        return Screen("channel_choice", {"provider_name": self.run.provider_name,
                                         "definitions": self.run.choices, "error": error,
                                         "can_go_back": not self.options.get("provider_id")},
                      status=status)

    def choose(self, definition_id: str, resume: Next) -> Outcome:
        if self.run.step != Step.CHANNEL_CHOICE:
            return resume()
        choices = self.run.choices
        chosen = next((d for d in choices if d["id"] == definition_id), None)
        if chosen is None:
            return self.choice_screen(error="invalid_channel", status=422)
        if self.options.get("multiple_channels"):
            self.run.queue = [d for d in choices if d is not chosen]
        return self.use(chosen)

    def use(self, definition: dict[str, Any]) -> Outcome:
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

    def _can_go_back(self) -> bool:
        return not self.options.get("provider_id") and not self.run.connection_id

    # REDIRECT: the bank's own portal
    def bank_notice_screen(self, error: str | None = None) -> Screen:
        return Screen("bank_notice", {"provider_name": self.run.provider_name,
                                      "definition": self.run.definition, "error": error,
                                      "adding": bool(self.run.connection_id),
                                      "can_go_back": self._can_go_back()})

    def go_to_bank(self, new_state: str, redirect_uri: str, locale: str | None,
                   resume: Next) -> Outcome:
        """The portal URL for this channel, with a `state` only this run will accept back."""
        if self.run.step not in (Step.BANK_NOTICE, Step.BANK):
            return resume()
        state = self.run.bank_state or new_state  # a second click reuses the pending one
        definition = self.run.definition or {}
        try:
            with attempt(self.run, "bank", state) as key:
                answer = self.along.api.authorize_url(self.run.provider_id, definition["id"],
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

    def bank_callback(self, state: str, code: str, error: str,
                      redirect_uri: str) -> Outcome | None:
        """The bank sent the user back: the connection from its code, or the refusal; None for
        a `state` this run is not waiting for."""
        outcome = self._bank_answer(state, code, error, redirect_uri)
        if isinstance(outcome, Finish):
            # Told where the widget is opened again, so an iframe's parent hears of it too.
            self.run.end_at_bank(outcome)
        return outcome

    def _bank_answer(self, state: str, code: str, error: str,
                     redirect_uri: str) -> Outcome | None:
        expected = self.run.bank_state
        if self.run.step != Step.BANK or not expected or not state or \
                not hmac.compare_digest(expected.encode(), state.encode()):
            return None  # not a state this run is waiting for
        self.run.bank_state = None  # once: a replay finds nothing to accept
        definition = self.run.definition or {}
        self.track("PROVIDER_CALLBACK", provider_id=self.run.provider_id,
                   channel_definition_id=definition["id"],
                   error=bank_error_code(error) if error else None)
        if error or not code:
            if self.run.adding_next:  # the optional second channel: offer it again
                return self.refused_second(definition, bank_error_code(error))
            return Finish("error", bank_error_code(error), self.run.connection_id)
        try:
            return self.connected(self.login.send({"authorization_code": code,
                                                   "redirect_uri": redirect_uri}))
        except (Forbidden, BadRequest, Conflict, NotFound) as exc:
            self.track("ERROR", error=exc.code)
            return Finish("error", "bank_error", self.run.connection_id)
        except ProviderUnavailable:
            return self.provider_down()

    # EMBEDDED: the credential form
    def credentials_screen(self, error: str | None = None, values: dict[str, Any] | None = None,
                           field_errors: dict[str, str] | None = None,
                           status: int = 200) -> Screen:
        return Screen("credentials", {
            "provider_name": self.run.provider_name, "definition": self.run.definition,
            "values": values or self.run.known_values or {}, "error": error,
            "field_errors": field_errors or {},
            "captive": self.options.get("captive_mode", True),
            "can_go_back": self._can_go_back()}, status=status)

    def submit_credentials(self, form: Mapping[str, str], resume: Next) -> Outcome:
        if self.run.step != Step.CREDENTIALS:
            return resume()  # a resubmission: the step is already done
        definition = self.run.definition or {}
        fields = definition.get("credential_fields", [])
        credentials: dict[str, str] = {}
        field_errors: dict[str, str] = {}
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
                   channel_definition_id=definition["id"])
        try:
            return self.connected(self.login.send({"credentials": credentials}))
        except Forbidden as exc:
            self.track("ERROR", error=exc.code)
            return self.credentials_screen(error=exc.code, values=shown, status=422)
        except ProviderUnavailable:
            return self.provider_down()
        finally:
            credentials.clear()

    def provider_down(self) -> Screen:
        return Screen("provider_down", {"provider_id": self.run.provider_id}, status=503)


def bank_error_code(error: str | None) -> str:
    """The stable code of a bank's refusal (`error=` on the callback)."""
    if not error:
        return "bank_error"
    return "bank_denied" if error == "access_denied" else "bank_error"
