"""add_connection: which screen comes next, given the run's state and the API's answers.

Plain Python over an AccountsApi and the run's state dict, so tests can drive it without HTTP.
The view holds the session's lock around every call, which is what makes a double submission
find the step already done instead of creating a second connection.
"""
from widget.flows.steps import Finish, Screen, ordered_definitions
from widget.upstream import Conflict, Forbidden, NotFound, ProviderUnavailable

WIDGET = "add_connection"
PAGE_SIZE = 30
MAX_SEARCH = 100
MAX_FIELD = 256
SYNC_DONE = {"SUCCESS", "PARTIAL_SUCCESS"}


class AddConnectionFlow:
    def __init__(self, api, run, track):
        self.api = api
        self.run = run
        self.options = run["options"]
        self.track = track  # track(name, **data): records an event of this widget

    # Entry and resumption
    def start(self):
        self.run["step"] = "start"
        if self.options.get("provider_id"):
            return self.choose_provider(self.options["provider_id"], forced=True)
        return self.providers()

    def resume(self):
        """The screen of the step the run stands at (a reload, a resumed link, after terms)."""
        step = self.run.get("step", "start")
        if step == "start":
            return self.start()
        if step == "providers":
            return self.providers()
        if step == "credentials":
            return self.credentials_screen()
        if step in ("challenge", "accounts", "syncing"):
            return self.after_connection(self.api.connection(self.run["connection_id"]))
        return self.providers()

    # Provider list
    def providers(self, search="", page=0, error=None):
        self.run["step"] = "providers"
        search = search.strip()[:MAX_SEARCH]
        items, total = self.api.providers(search=search or None, limit=PAGE_SIZE,
                                          offset=page * PAGE_SIZE)
        if search:
            self.track("SEARCH_PROVIDER", search_length=len(search), count=total)
        return Screen("providers", {"providers": items, "total": total, "search": search,
                                    "page": page, "page_size": PAGE_SIZE, "error": error})

    def choose_provider(self, provider_id, forced=False):
        try:
            provider = self.api.provider(provider_id)
        except NotFound:
            if forced:
                return Finish("error", "invalid_provider")
            return self.providers(error="invalid_provider")
        except ProviderUnavailable:
            self.run["retry_provider_id"] = provider_id
            return Screen("provider_down", {"provider_id": provider_id}, status=503)
        self.track("SELECT_PROVIDER", provider_id=provider["id"])
        definitions = ordered_definitions(provider)
        wanted = self.options.get("channel_definition_id")
        if wanted:
            definitions = [d for d in definitions if d.get("id") == wanted]
            if not definitions:
                return Finish("error", "invalid_channel")
        if not definitions:
            return Finish("error", "invalid_channel")
        definition = definitions[0]
        self.run.update(provider_id=provider["id"], provider_name=provider["name"],
                        definition=definition)
        self.track("SELECT_CHANNEL", provider_id=provider["id"],
                   channel_definition_id=definition["id"], mode=definition["mode"])
        if definition["mode"] != "EMBEDDED":
            # The REDIRECT (PSD2) channel lands with its own issue; say so plainly meanwhile.
            self.run["step"] = "providers"
            return Screen("redirect_unavailable", {"provider_name": provider["name"]})
        self.run["step"] = "credentials"
        return self.credentials_screen()

    # Credentials
    def credentials_screen(self, error=None, values=None, field_errors=None, status=200):
        return Screen("credentials", {
            "provider_name": self.run["provider_name"], "definition": self.run["definition"],
            "values": values or {}, "error": error, "field_errors": field_errors or {},
            "can_go_back": not self.options.get("provider_id")}, status=status)

    def submit_credentials(self, form):
        if self.run.get("step") != "credentials":
            return self.resume()  # a resubmission: the step is already done
        fields = self.run["definition"].get("credential_fields", [])
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
        self.track("SUBMIT_CREDENTIALS", provider_id=self.run["provider_id"],
                   channel_definition_id=self.run["definition"]["id"])
        try:
            connection = self.api.create_connection(
                self.run["provider_id"], self.run["definition"]["id"], credentials=credentials)
        except Forbidden as exc:
            self.track("ERROR", error=exc.code)
            return self.credentials_screen(error=exc.code, values=shown, status=422)
        except ProviderUnavailable:
            self.run["retry_provider_id"] = self.run["provider_id"]
            return Screen("provider_down", {"provider_id": self.run["provider_id"]}, status=503)
        finally:
            credentials.clear()
        self.run["connection_id"] = connection["id"]
        self.run["channel_id"] = self._channel(connection)["id"]
        self.track("CONNECTION_CREATED", connection_id=connection["id"],
                   channel_id=self.run["channel_id"])
        return self.after_connection(connection)

    # After the bank accepted the credentials
    def _channel(self, connection):
        channels = connection.get("channels") or [{}]
        wanted = self.run.get("channel_id")
        return next((c for c in channels if c.get("id") == wanted), channels[-1])

    def after_connection(self, connection):
        """Next screen from the connection's state: challenge, accounts, sync or the end."""
        channel = self._channel(connection)
        status = channel.get("status")
        connection_id = connection["id"]
        if status == "CHALLENGE_REQUIRED" and (channel.get("challenge") or {}).get("status") == "PENDING":
            challenge = channel["challenge"]
            if self.run.get("step") != "challenge" or self.run.get("challenge_id") != challenge["id"]:
                self.track("CHALLENGE_REQUIRED", connection_id=connection_id,
                           challenge_type=challenge["type"])
            self.run.update(step="challenge", challenge_id=challenge["id"])
            return Screen("challenge", {"challenge": challenge,
                                        "provider_name": self.run.get("provider_name")})
        if status in ("USER_ACTION_REQUIRED", "PASSWORD_CHANGE_REQUIRED"):
            return Finish("error", "user_action_required", connection_id)
        if status in ("AUTH_FAILED", "CHALLENGE_REQUIRED"):
            return Finish("error", "challenge_failed", connection_id)
        if self.run.get("step") == "syncing":
            return self.sync_progress(connection)
        if not self.options.get("captive_mode", True):
            # Non-captive: consenting by connecting (stated on the form), the Client polls.
            self._consent_and_sync(connection_id)
            return Finish("success", connection_id=connection_id)
        self.run["step"] = "accounts"
        accounts = self.api.accounts(connection_id=connection_id)
        return Screen("accounts", {"accounts": accounts, "provider_name": self.run.get("provider_name")})

    # Challenges
    def submit_challenge(self, answer):
        if self.run.get("step") != "challenge":
            return self.resume()
        if not answer.strip() or len(answer) > MAX_FIELD:
            return self._challenge_again("required")
        self.track("SUBMIT_CHALLENGE", connection_id=self.run["connection_id"])
        try:
            connection = self.api.answer_challenge(self.run["connection_id"], self.run["channel_id"],
                                                   self.run["challenge_id"], answer)
        except Forbidden as exc:
            self.track("ERROR", error=exc.code)
            return self._challenge_again(exc.code)
        except Conflict:  # no longer pending (approved meanwhile, or expired): read where it stands
            connection = self.api.connection(self.run["connection_id"])
        return self.after_connection(connection)

    def _challenge_again(self, error):
        screen = self.after_connection(self.api.connection(self.run["connection_id"]))
        if isinstance(screen, Screen) and screen.name == "challenge":
            screen.context["error"] = error
            screen.status = 422
        return screen

    # Consent and synchronisation
    def _consent_and_sync(self, connection_id):
        self.api.set_consents(connection_id, all_accounts=True)
        self.track("CONSENT_ACCEPTED", connection_id=connection_id)
        if self.options.get("auto_sync", True):
            self.api.synchronize(connection_id)
            self.track("SYNC_STARTED", connection_id=connection_id)
            return True
        return False

    def consent(self):
        if self.run.get("step") != "accounts":
            return self.resume()
        connection_id = self.run["connection_id"]
        if not self._consent_and_sync(connection_id):
            return Finish("success", connection_id=connection_id)
        self.run["step"] = "syncing"
        return self.sync_progress(self.api.connection(connection_id))

    def poll(self):
        """The state of a waiting screen (app validation or sync), read again from the API."""
        if self.run.get("step") not in ("challenge", "syncing"):
            return self.resume()
        return self.after_connection(self.api.connection(self.run["connection_id"]))

    def sync_progress(self, connection):
        sync = connection.get("sync") or {}
        status = sync.get("status") or connection.get("status")
        if status in SYNC_DONE:
            self.track("SYNC_FINISHED", connection_id=connection["id"], result="success")
            return Finish("success", connection_id=connection["id"])
        if status == "FAILED":
            self.track("SYNC_FINISHED", connection_id=connection["id"], result="error",
                       error=sync.get("error"))
            return Finish("error", "sync_failed", connection["id"])
        return Screen("syncing", {"sync": sync, "provider_name": self.run.get("provider_name")})
