"""AddConnectionFlow driven directly, over a scripted in-memory Accounts API."""
import pytest

from widget.flows.add_connection import AddConnectionFlow
from widget.flows.steps import Finish, Screen
from widget.upstream import Conflict, Forbidden, NotFound, ProviderUnavailable

EMBEDDED = {"id": "web-embedded", "mode": "EMBEDDED", "name": "Web", "credential_fields": [
    {"name": "login", "type": "TEXT", "label": {"fr": "Identifiant", "en": "Login"}},
    {"name": "password", "type": "PASSWORD", "label": {"fr": "Mot de passe", "en": "Password"}}]}
REDIRECT = {"id": "demo-redirect", "mode": "REDIRECT", "name": "PSD2", "credential_fields": []}
PROVIDERS = {
    "web": {"id": "web", "name": "Banque en Ligne", "channel_definitions": [EMBEDDED]},
    "demo": {"id": "demo", "name": "Banque Démo",
             "channel_definitions": [dict(EMBEDDED, id="demo-embedded"), REDIRECT]},
}


class ScriptedApi:
    """Answers like the sandbox for the calls the flow makes; records what it was asked."""

    def __init__(self):
        self.calls = []
        self.channel = {"id": "ch1", "status": "SUCCESS", "challenge": None}
        self.sync = {"status": "NONE"}

    def providers(self, search=None, limit=50, offset=0):
        self.calls.append(("providers", search))
        return list(PROVIDERS.values()), len(PROVIDERS)

    def provider(self, provider_id):
        if provider_id == "down":
            raise ProviderUnavailable("provider_unavailable")
        if provider_id not in PROVIDERS:
            raise NotFound("not_found")
        return PROVIDERS[provider_id]

    def create_connection(self, provider_id, definition_id, credentials):
        self.calls.append(("create_connection", credentials["login"]))
        if credentials["password"] == "wrong":
            raise Forbidden("auth_failed")
        if credentials["login"] == "otp":
            self.channel.update(status="CHALLENGE_REQUIRED", challenge={
                "id": "k1", "type": "SMS_CODE", "status": "PENDING", "label": {}})
        return self.connection("c1")

    def connection(self, connection_id):
        return {"id": "c1", "status": "NONE", "sync": dict(self.sync), "channels": [dict(self.channel)]}

    def answer_challenge(self, connection_id, channel_id, challenge_id, answer):
        if self.channel["status"] != "CHALLENGE_REQUIRED":
            raise Conflict("conflict")
        if answer != "123456":
            raise Forbidden("challenge_failed")
        self.channel.update(status="SUCCESS", challenge=None)
        return self.connection(connection_id)

    def accounts(self, connection_id=None):
        return [{"id": "a1", "name": "Compte courant", "type": "CHECKINGS"}]

    def set_consents(self, connection_id, account_ids=None, all_accounts=False):
        self.calls.append(("set_consents", all_accounts))

    def synchronize(self, connection_id):
        self.calls.append(("synchronize", connection_id))
        self.sync = {"status": "RUNNING", "step": 1, "steps_total": 3}


def make_flow(**options):
    events = []
    run = {"widget": "add_connection", "options": {"captive_mode": True, "auto_sync": True, **options}}
    api = ScriptedApi()
    flow = AddConnectionFlow(api, run, lambda name, **data: events.append((name, data)))
    return flow, api, run, events


def test_list_then_credentials_then_accounts_then_sync():
    flow, api, run, events = make_flow()
    assert flow.start().name == "providers"
    screen = flow.choose_provider("web")
    assert screen.name == "credentials" and run["step"] == "credentials"
    screen = flow.submit_credentials({"login": "demo", "password": "pw"})
    assert screen.name == "accounts" and run["connection_id"] == "c1"
    screen = flow.consent()
    assert screen.name == "syncing" and ("synchronize", "c1") in api.calls
    api.sync = {"status": "SUCCESS"}
    assert flow.poll() == Finish("success", connection_id="c1")
    names = [name for name, _ in events]
    assert names == ["SELECT_PROVIDER", "SELECT_CHANNEL", "SUBMIT_CREDENTIALS", "CONNECTION_CREATED",
                     "CONSENT_ACCEPTED", "SYNC_STARTED", "SYNC_FINISHED"]
    assert all("password" not in str(data) and "pw" not in str(data.values()) for _, data in events)


def test_wrong_password_keeps_login_never_password_and_allows_retry():
    flow, api, run, _ = make_flow(provider_id="web")
    flow.start()
    screen = flow.submit_credentials({"login": "demo", "password": "wrong"})
    assert screen.name == "credentials" and screen.status == 422
    assert screen.context["error"] == "auth_failed"
    assert screen.context["values"] == {"login": "demo"}
    assert flow.submit_credentials({"login": "demo", "password": "right"}).name == "accounts"


@pytest.mark.parametrize("form, errors", [
    ({"login": "", "password": "x"}, {"login": "required"}),
    ({"login": "a", "password": "  "}, {"password": "required"}),
    ({"login": "a" * 300, "password": "x"}, {"login": "too_long"}),
    ({}, {"login": "required", "password": "required"}),
])
def test_credential_form_checks_fields_before_calling_the_bank(form, errors):
    flow, api, _, _ = make_flow(provider_id="web")
    flow.start()
    screen = flow.submit_credentials(form)
    assert screen.context["field_errors"] == errors and screen.status == 422
    assert not [c for c in api.calls if c[0] == "create_connection"]


def test_sms_challenge_wrong_then_right():
    flow, api, run, events = make_flow(provider_id="web")
    flow.start()
    screen = flow.submit_credentials({"login": "otp", "password": "pw"})
    assert screen.name == "challenge" and screen.context["challenge"]["type"] == "SMS_CODE"
    screen = flow.submit_challenge("000000")
    assert screen.name == "challenge" and screen.context["error"] == "challenge_failed"
    assert flow.submit_challenge("123456").name == "accounts"
    assert [n for n, _ in events].count("CHALLENGE_REQUIRED") == 1


def test_resubmission_creates_one_connection():
    flow, api, run, _ = make_flow(provider_id="web")
    flow.start()
    flow.submit_credentials({"login": "demo", "password": "pw"})
    again = flow.submit_credentials({"login": "demo", "password": "pw"})
    assert again.name == "accounts"
    assert len([c for c in api.calls if c[0] == "create_connection"]) == 1


@pytest.mark.parametrize("options, expected", [
    ({"provider_id": "nope"}, Finish("error", "invalid_provider")),
    ({"provider_id": "web", "channel_definition_id": "demo-redirect"}, Finish("error", "invalid_channel")),
])
def test_invalid_forced_ids_end_with_error(options, expected):
    flow, *_ = make_flow(**options)
    assert flow.start() == expected


def test_unknown_provider_picked_from_list_stays_on_list():
    flow, *_ = make_flow()
    screen = flow.choose_provider("nope")
    assert screen.name == "providers" and screen.context["error"] == "invalid_provider"


def test_bank_down_offers_retry():
    flow, _, run, _ = make_flow()
    screen = flow.choose_provider("down")
    assert screen == Screen("provider_down", {"provider_id": "down"}, status=503)


def test_redirect_first_bank_shows_the_placeholder():
    flow, *_ = make_flow()
    assert flow.choose_provider("demo").name == "redirect_unavailable"


def test_forced_embedded_channel_of_a_redirect_first_bank():
    flow, *_ = make_flow(provider_id="demo", channel_definition_id="demo-embedded")
    assert flow.start().name == "credentials"


def test_non_captive_returns_once_credentials_are_accepted():
    flow, api, *_ = make_flow(provider_id="web", captive_mode=False)
    flow.start()
    assert flow.submit_credentials({"login": "demo", "password": "pw"}) == Finish("success", connection_id="c1")
    assert ("set_consents", True) in api.calls and ("synchronize", "c1") in api.calls


def test_failed_sync_ends_in_error():
    flow, api, *_ = make_flow(provider_id="web")
    flow.start()
    flow.submit_credentials({"login": "demo", "password": "pw"})
    flow.consent()
    api.sync = {"status": "FAILED", "error": "bank_error"}
    assert flow.poll() == Finish("error", "sync_failed", "c1")


def test_search_is_trimmed_and_bounded():
    flow, api, *_ = make_flow()
    flow.providers(search="  x" * 100)
    assert len(api.calls[-1][1]) == 100
