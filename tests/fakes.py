"""Stand-ins the tests control: the sandbox's clock, and an in-memory Accounts API that the flows
are driven over (add_connection from its first screen, user_input on a connection made before)."""
import itertools

from widget.flows.add_connection import AddConnectionFlow
from widget.flows.run import Run
from widget.flows.steps import BankRedirect
from widget.upstream import Conflict, Forbidden, NotFound, ProviderUnavailable
from widget.upstream.accounts_api import ProviderPage


class FakeClock:
    """The sandbox's clock, moved by the tests instead of waiting."""

    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


FIELDS = [{"name": "login", "type": "TEXT", "label": {"fr": "Identifiant", "en": "Login"}},
          {"name": "password", "type": "PASSWORD",
           "label": {"fr": "Mot de passe", "en": "Password"}}]
EMBEDDED = {"id": "web-embedded", "mode": "EMBEDDED", "name": "Web", "credential_fields": FIELDS}
REDIRECT = {"id": "demo-redirect", "mode": "REDIRECT", "name": "PSD2", "credential_fields": []}
PROVIDERS = {
    "web": {"id": "web", "name": "Banque en Ligne", "channel_definitions": [EMBEDDED]},
    "demo": {"id": "demo", "name": "Banque Démo",
             "channel_definitions": [dict(EMBEDDED, id="demo-embedded"), REDIRECT]},
    "psd2": {"id": "psd2", "name": "Banque Directe",
             "channel_definitions": [dict(REDIRECT, id="psd2-redirect")]},
}
# The right answer to each kind of challenge (an EMBEDDED login `otp` is asked an SMS code).
ANSWERS = {"SMS_CODE": "123456", "QUESTION": "blue"}


class ScriptedApi:
    """Answers like the sandbox for the calls the flows make; records what it was asked.

    One user, whose connection `c1` has `channels` channels at `provider_id` (none: it is made
    by add_connection). The tests play the bank and the Client with `ask`, `approve`, `emit`...
    """

    def __init__(self, channels=0, provider_id="web"):
        self.calls = []
        self.keys = []  # (call, Idempotency-Key) of each call that changes something
        self.provider_id = provider_id
        self.status = "SUCCESS"  # the connection's sync: RUNNING from `synchronize` on
        self.channels = []
        for _ in range(channels):
            self._add_channel("web-embedded")
        self.queue = [{"id": "1", "name": "CONNECTION_CREATED", "connection_id": "old",
                       "data": {}}]  # from before the flow: never news
        self.codes = {}  # the bank's authorization codes: code -> redirect_uri
        self.tries = 0  # wrong answers to the pending challenge

    # Providers and the bank's portal
    def providers(self, search=None, limit=50, offset=0, country=None):
        self.calls.append(("providers", search))
        return ProviderPage(list(PROVIDERS.values()), len(PROVIDERS), False)

    def provider(self, provider_id):
        self.calls.append(("provider", provider_id))
        if provider_id == "down":
            raise ProviderUnavailable("provider_unavailable")
        if provider_id not in PROVIDERS:
            raise NotFound("not_found")
        return PROVIDERS[provider_id]

    def authorize_url(self, provider_id, definition_id, redirect_uri, state, locale=None,
                      idempotency_key=None):
        self.calls.append(("authorize_url", definition_id, state))
        self.keys.append(("authorize_url", idempotency_key))
        self.codes["code-" + state] = redirect_uri
        return {"authorize_url": "http://bank.example/login?request=" + state}

    # Connections
    def _add_channel(self, definition_id):
        channel = {"id": "ch%d" % (len(self.channels) + 1), "channel_definition_id": definition_id,
                   "status": "SUCCESS", "challenge": None}
        self.channels.append(channel)
        return channel

    def _new_channel(self, definition_id, auth):
        if "credentials" in auth:
            login = auth["credentials"]["login"]
            if auth["credentials"]["password"] == "wrong":
                raise Forbidden("auth_failed")
        else:
            if self.codes.pop(auth["authorization_code"], None) != auth["redirect_uri"]:
                raise Forbidden("invalid_grant")
            login = "demo"
        channel = self._add_channel(definition_id)
        if login == "otp":
            channel.update(status="CHALLENGE_REQUIRED", challenge={
                "id": "k1", "type": "SMS_CODE", "status": "PENDING", "label": {}})

    def create_connection(self, provider_id, definition_id, idempotency_key=None, **auth):
        self.calls.append(("create_connection", definition_id))
        self.keys.append(("create_connection", idempotency_key))
        self._new_channel(definition_id, auth)
        self.provider_id = provider_id
        return self.connection("c1")

    def add_channel(self, connection_id, definition_id, idempotency_key=None, **auth):
        self.calls.append(("add_channel", definition_id))
        self.keys.append(("add_channel", idempotency_key))
        self._new_channel(definition_id, auth)
        return self.connection(connection_id)

    def update_credentials(self, connection_id, channel_id, idempotency_key=None, **auth):
        self.calls.append(("update_credentials", channel_id))
        self.keys.append(("update_credentials", idempotency_key))
        if auth.get("credentials", {}).get("password") == "wrong":
            raise Forbidden("auth_failed")
        next(c for c in self.channels if c["id"] == channel_id).update(status="SUCCESS")
        return self.connection(connection_id)

    def connections(self):
        """The user's connections: `c1` once it has a channel. Not in `calls` (every bank
        choice asks it; the tests that count calls are about other steps)."""
        return [self.connection_record()] if self.channels else []

    def connection_record(self):
        return {"id": "c1", "provider_id": self.provider_id, "status": self.status,
                "channels": [dict(c) for c in self.channels]}

    def connection(self, connection_id):
        self.calls.append(("connection", connection_id))
        if connection_id != "c1":
            raise NotFound("not_found")
        return self.connection_record()

    def answer_challenge(self, connection_id, channel_id, challenge_id, answer,
                         idempotency_key=None):
        self.calls.append(("answer_challenge", channel_id, challenge_id))
        self.keys.append(("answer_challenge", idempotency_key))
        channel = next(c for c in self.channels if c["id"] == channel_id)
        challenge = channel["challenge"] or {}
        if channel["status"] != "CHALLENGE_REQUIRED" or challenge.get("status") != "PENDING" \
                or challenge["type"] == "APP_VALIDATION":
            raise Conflict("conflict")
        if answer != ANSWERS[challenge["type"]]:
            self.tries += 1
            if self.tries >= 3:
                self.end_challenge("FAILED", self.channels.index(channel))
            raise Forbidden("challenge_failed")
        self.approve(self.channels.index(channel))
        return self.connection(connection_id)

    # Accounts, sync and the event queue
    def accounts(self, connection_id=None):
        self.calls.append(("accounts", connection_id))
        return [{"id": "a-" + c["id"], "channel_id": c["id"], "name": "Compte " + c["id"],
                 "type": "CHECKINGS"} for c in self.channels]

    def set_consents(self, connection_id, account_ids=None, all_accounts=False):
        self.calls.append(("set_consents", "all" if all_accounts else sorted(account_ids)))

    def synchronize(self, connection_id, idempotency_key=None):
        self.calls.append(("synchronize", connection_id))
        self.keys.append(("synchronize", idempotency_key))
        self.status = "RUNNING"

    def events(self, after=None, limit=100):
        self.calls.append(("events", after))
        return [e for e in self.queue if int(e["id"]) > int(after or 0)][:limit]

    # What the bank and the Client do meanwhile
    def emit(self, name, **data):
        self.queue.append({"id": str(len(self.queue) + 1), "name": name, "connection_id": "c1",
                           "data": data})

    def ask(self, kind="SMS_CODE", channel=0, sync=True):
        """The bank asks a challenge (a sync held until it is answered, unless `sync=False`)."""
        self.status = "RUNNING" if sync else self.status
        challenge = {"id": "k%d" % len(self.queue), "type": kind, "status": "PENDING",
                     "label": {"en": "Favourite colour?"}, "expires_at": "2027-01-01T00:00:00.000Z"}
        self.channels[channel].update(status="CHALLENGE_REQUIRED", challenge=challenge)
        self.emit("CHALLENGE_REQUIRED", challenge_id=challenge["id"], type=kind)

    def approve(self, channel=0):
        """The challenge is passed: the sync it held goes on (or the channel is simply in)."""
        self.channels[channel].update(status="RUNNING" if self.status == "RUNNING" else "SUCCESS")
        self.channels[channel]["challenge"]["status"] = "APPROVED"
        self.emit("CHALLENGE_APPROVED")

    def end_challenge(self, status, channel=0):
        self.channels[channel].update(status="AUTH_FAILED")
        self.channels[channel]["challenge"]["status"] = status
        self.emit("AUTH_FAILED", error="challenge_" + status.lower())


# --- add_connection driven over the ScriptedApi ----------------------------------------------
def add_connection_flow(**options):
    """A new add_connection run over a new ScriptedApi: (flow, api, run, tracked events)."""
    events = []
    run = Run("add_connection", {"captive_mode": True, "auto_sync": True, **options})
    api = ScriptedApi()
    flow = AddConnectionFlow(api, run, lambda name, **data: events.append((name, data)))
    ticks = itertools.count(1000, 5)
    flow.clock = lambda: next(ticks)  # each poll comes well after the previous one
    return flow, api, run, events


def connect_embedded(flow, login="demo"):
    return flow.submit_credentials({"login": login, "password": "pw"})


def through_the_bank(flow, api, provider_id="psd2"):
    assert flow.choose_provider(provider_id).name == "bank_notice"
    redirect = flow.go_to_bank("state-1", "http://widget.test/callback", "fr")
    assert redirect == BankRedirect("http://bank.example/login?request=state-1")
    return flow.bank_callback("state-1", "code-state-1", "", "http://widget.test/callback")
