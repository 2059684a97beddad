"""AccountsApi against the sandbox's Accounts API v2.1, replayed from recorded cassettes.

Each test's cassette is `cassettes/<test name>.json`; see conftest.py to re-record them.
"""
import threading
import time
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.upstream.failing_servers import MuteServer, RawServer
from widget.upstream.accounts_api import AccountsApi
from widget.upstream.errors import (
    ActionRequired, BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, NotFound,
    ProviderUnavailable, UpstreamError,
)

CALLBACK = "http://localhost:5000/widget/callback"


def folded(text):
    """Lower case without accents, hyphens as spaces: how the sandbox sorts names."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("'", " ").casefold().split())


def fresh_token():
    return {"access_token": "replay-access-token-1", "refresh_token": "replay-refresh-token-1",
            "token_type": "Bearer", "expires_at": int(time.time()) + 3600}


def list_connections(api):
    """The user's connections, straight from the sandbox API (the widget never lists them)."""
    return api.request("GET", "/connections")[0]


# --- Users and terms -------------------------------------------------------------------------

def test_terms_gate_every_call_until_accepted(upstream):
    user = upstream.user(accept_terms=False)
    api = upstream.api(user.token)
    with upstream.tape(api.http):
        with pytest.raises(ActionRequired) as refused:
            api.providers()
        assert refused.value.body["action"] == "ACCEPT_TERMS"
        assert refused.value.status == 401 and refused.value.code == "action_required"

        me = api.me()  # never gated by the terms
        assert me["email"] == user.email and me["terms_accepted_version"] is None

        terms_en, terms_fr = api.terms("en"), api.terms("fr")
        assert terms_en["version"] == terms_fr["version"]
        assert terms_en["title"] != terms_fr["title"] and "\n\n" in terms_en["content"]

        with pytest.raises(Conflict) as stale:
            api.accept_terms("1999-01")
        assert stale.value.code == "conflict"

        accepted = api.accept_terms(terms_en["version"])
        assert accepted["version"] == terms_en["version"] and accepted["accepted_at"]
        assert api.me()["terms_accepted_version"] == terms_en["version"]
        providers, total, capped = api.providers(limit=1)
        assert len(providers) == 1 and total > 1 and not capped


def test_me_describes_the_user(upstream):
    user = upstream.user()
    api = upstream.api(user.token)
    with upstream.tape(api.http):
        me = api.me()
    assert set(me) == {"id", "email", "creation_date", "terms_accepted_version"}
    assert me["email"] == user.email
    assert me["terms_accepted_version"] and me["creation_date"].endswith("Z")


# --- Providers -------------------------------------------------------------------------------

def test_providers_are_searched_and_counted(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        first_page, total, capped = api.providers(limit=5)
        second_page, same_total, _ = api.providers(limit=5, offset=5)
        found, found_total, _ = api.providers(search="saint etienne")  # accents and case aside
        demo = api.providers(search="demo").providers
        nothing, none_total, _ = api.providers(search="no such bank anywhere")
        german, german_total, _ = api.providers(country="DE", limit=50)
        koln = api.providers(search="KOLN", country="DE").providers
    assert len(first_page) == 5 and len(second_page) == 5 and total == same_total > 10
    assert not capped
    assert {p["id"] for p in first_page}.isdisjoint(p["id"] for p in second_page)
    ranks = [p["popularity_rank"] for p in first_page + second_page]
    assert ranks == sorted(ranks) and first_page[0]["id"] == "demo"  # the most popular first
    assert first_page[0]["logo_url"].endswith(".svg") and first_page[0]["country"] == "FR"
    assert found_total == len(found) >= 1
    assert all(p["city"] == "Saint-Étienne" for p in found)
    names = [p["name"] for p in found]
    assert names == sorted(names, key=folded)  # a search: by name, accents and case aside
    assert "demo" in [p["id"] for p in demo]
    assert nothing == [] and none_total == 0
    assert german_total == len(german) > 0 and {p["country"] for p in german} == {"DE"}
    assert [p["city"] for p in koln] == ["Köln", "Köln"]


def test_provider_detail_unknown_and_down(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        demo = api.provider("demo")
        with pytest.raises(NotFound) as unknown:
            api.provider("no-such-bank")
        with pytest.raises(ProviderUnavailable) as down:
            api.provider("down")
    assert demo["id"] == "demo" and demo["country"] == "FR"
    definitions = {d["id"]: d for d in demo["channel_definitions"]}
    assert list(definitions) == ["demo-redirect", "demo-embedded"]
    assert definitions["demo-redirect"]["mode"] == "REDIRECT"
    assert definitions["demo-redirect"]["credential_fields"] == []
    fields = definitions["demo-embedded"]["credential_fields"]
    assert [f["name"] for f in fields] == ["login", "password"]
    assert unknown.value.status == 404 and unknown.value.code == "not_found"
    assert down.value.status == 503 and down.value.code == "provider_unavailable"


def test_ids_that_would_climb_the_path_never_leave(closed_port_url):
    base = closed_port_url  # any call that went out would be a NetworkError
    api = AccountsApi(base + "/sandbox/api/v2.1", base + "/sandbox/auth/token", fresh_token(),
                      client_id="demo-client", client_secret="replay-client-secret")
    for bad in ("../users/me", "a/b", "..", ".", "", "x?y", "x#y"):
        with pytest.raises(NotFound):
            api.provider(bad)
    with pytest.raises(NotFound):
        api.answer_challenge("1", "../2", "3", "123456")


def test_authorize_url_of_a_redirect_channel(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        answer = api.authorize_url("demo", "demo-redirect", CALLBACK, "state-1")
        with pytest.raises(BadRequest) as embedded:
            api.authorize_url("demo", "demo-embedded", CALLBACK, "state-1")
        with pytest.raises(ProviderUnavailable):
            api.authorize_url("down", "down-embedded", CALLBACK, "state-1")
    portal = upstream.api_base_url.split("/sandbox/")[0] + "/sandbox/bank/"
    assert answer["authorize_url"].startswith(portal)
    assert "request=" in answer["authorize_url"]
    assert embedded.value.code == "invalid_request"


# --- Connections and challenges --------------------------------------------------------------

def test_a_redirect_channel_is_added_to_a_connection(upstream):
    api = upstream.api(upstream.user().token)
    credentials = {"login": "demo", "password": upstream.bank_password()}
    with requests.Session() as portal, upstream.tape(api.http, portal):
        connection = api.create_connection("demo", "demo-embedded", credentials=credentials)
        with pytest.raises(Conflict):
            api.add_channel(connection["id"], "demo-embedded", credentials=credentials)
        with pytest.raises(Forbidden) as forged:
            api.add_channel(connection["id"], "demo-redirect", authorization_code="forged",
                            redirect_uri=CALLBACK)
        url = api.authorize_url("demo", "demo-redirect", CALLBACK, "state-9", locale="en")
        login_page, request_id = url["authorize_url"].split("?")[0], \
            parse_qs(urlsplit(url["authorize_url"]).query)["request"][0]
        portal.post(login_page, data={"request": request_id, "login": "demo", "password": "x"},
                    timeout=10).close()
        back = portal.post(login_page.replace("/authorize", "/consent"), timeout=10,
                           data={"request": request_id, "decision": "approve"},
                           allow_redirects=False)
        back.close()
        answer = parse_qs(urlsplit(back.headers["Location"]).query)
        added = api.add_channel(connection["id"], "demo-redirect",
                                authorization_code=answer["code"][0], redirect_uri=CALLBACK)
    assert answer["state"] == ["state-9"] and "lng=en" in url["authorize_url"]
    assert forged.value.code in ("invalid_grant", "forbidden", "auth_failed")
    assert added["id"] == connection["id"]
    assert sorted(c["mode"] for c in added["channels"]) == ["EMBEDDED", "REDIRECT"]


def test_wrong_bank_password_creates_nothing(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        with pytest.raises(Forbidden) as refused:
            api.create_connection("web", "web-embedded",
                                  credentials={"login": "demo", "password": "wrong"})
        connections = list_connections(api)
        events = api.events()
    assert refused.value.status == 403 and refused.value.code == "auth_failed"
    assert connections == []
    assert [e["name"] for e in events] == ["AUTH_FAILED"]


def test_otp_challenge_wrong_then_right_answer(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        created = api.create_connection("web", "web-embedded", credentials={
            "login": "otp", "password": upstream.bank_password()})
        channel = created["channels"][0]
        challenge = channel["challenge"]
        assert channel["status"] == "CHALLENGE_REQUIRED" and channel["login"] == "otp"
        assert challenge["type"] == "SMS_CODE" and challenge["status"] == "PENDING"
        assert set(challenge["label"]) == {"fr", "en"}

        with pytest.raises(Forbidden) as wrong:
            api.answer_challenge(created["id"], channel["id"], challenge["id"], "000000")
        assert wrong.value.code == "challenge_failed"
        still = api.connection(created["id"])["channels"][0]
        assert still["status"] == "CHALLENGE_REQUIRED" and still["challenge"]["status"] == "PENDING"

        answered = api.answer_challenge(created["id"], channel["id"], challenge["id"], "123456")
        assert answered["channels"][0]["status"] == "SUCCESS"
        assert answered["channels"][0]["challenge"]["status"] == "APPROVED"

        with pytest.raises(Conflict):  # not pending any more
            api.answer_challenge(created["id"], channel["id"], challenge["id"], "123456")
        accounts = api.accounts(created["id"])
    assert accounts and all(a["status"] == "PENDING_CONSENT" for a in accounts)
    assert "password" not in str(created)


def test_app_validation_is_approved_by_the_bank_in_time(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        created = api.create_connection("web", "web-embedded", credentials={
            "login": "app", "password": upstream.bank_password()})
        channel = created["channels"][0]
        assert channel["challenge"]["type"] == "APP_VALIDATION"
        with pytest.raises(Conflict):  # approved in the bank's app, never answered
            api.answer_challenge(created["id"], channel["id"], channel["challenge"]["id"], "ok")
        upstream.advance(2)
        assert api.connection(created["id"])["channels"][0]["status"] == "CHALLENGE_REQUIRED"
        upstream.advance(3)  # SANDBOX_APP_VALIDATION_DELAY (5 s) after it was issued
        approved = api.connection(created["id"])["channels"][0]
    assert approved["status"] == "SUCCESS" and approved["challenge"]["status"] == "APPROVED"


def test_a_channels_credentials_are_renewed(upstream):
    api = upstream.api(upstream.user().token)
    password = upstream.bank_password()
    with upstream.tape(api.http):
        connection = api.create_connection("web", "web-embedded", credentials={
            "login": "expired", "password": password})
        channel_id = connection["channels"][0]["id"]
        with pytest.raises(Forbidden) as refused:
            api.update_credentials(connection["id"], channel_id,
                                   credentials={"login": "demo", "password": "wrong"})
        renewed = api.update_credentials(connection["id"], channel_id,
                                         credentials={"login": "demo", "password": password})
    assert refused.value.code == "auth_failed"
    assert renewed["id"] == connection["id"] and renewed["channels"][0]["login"] == "demo"


def test_an_account_is_declared_professional_then_personal(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        connection = api.create_connection("web", "web-embedded", credentials={
            "login": "demo", "password": upstream.bank_password()})
        account_id = api.accounts(connection_id=connection["id"])[0]["id"]
        professional = api.update_account(account_id, "PROFESSIONAL", "Boulangerie Dupont",
                                          "732829320")
        with pytest.raises(BadRequest) as bad_siren:
            api.update_account(account_id, "PROFESSIONAL", "Dupont", "732829321")
        personal = api.update_account(account_id, "PERSONAL")
    assert professional["usage"] == "PROFESSIONAL" and professional["siren"] == "732829320"
    assert professional["company_name"] == "Boulangerie Dupont"
    assert bad_siren.value.code == "invalid_request"
    assert personal["usage"] == "PERSONAL" and personal["siren"] is None


def test_consent_sync_accounts_transactions_and_events(upstream):
    api = upstream.api(upstream.user().token)
    with upstream.tape(api.http):
        created = api.create_connection("web", "web-embedded", credentials={
            "login": "demo", "password": upstream.bank_password()})
        assert created["status"] == "NONE" and created["channels"][0]["status"] == "SUCCESS"

        consented = api.set_consents(created["id"], all_accounts=True)
        assert consented and all(a["status"] == "ACTIVE" for a in consented)

        started = api.synchronize(created["id"])
        assert started["status"] == "RUNNING" and started["sync"]["step"] == 0
        upstream.advance(1)
        halfway = api.connection(created["id"])
        assert halfway["status"] == "RUNNING" and halfway["sync"]["step"] == 1
        upstream.advance(2)  # SANDBOX_SYNC_SECONDS (3 s) in 3 steps
        done = api.connection(created["id"])
        assert done["status"] == "SUCCESS" and done["sync"]["step"] == done["sync"]["steps_total"]
        assert done["last_sync_date"] and done["sync"]["finished_at"]
        assert done["sync"]["accounts_retrieved"] == len(consented)

        accounts = api.accounts(created["id"])
        assert [a["id"] for a in accounts] == [a["id"] for a in consented]
        assert {a["type"] for a in accounts} == {"CHECKINGS", "SAVINGS"}
        transactions = api.request("GET", "/transactions",
                                   params={"account_id": accounts[0]["id"], "limit": 5})[0]
        assert 0 < len(transactions) <= 5
        assert all(t["account_id"] == accounts[0]["id"] for t in transactions)
        dates = [t["date"] for t in transactions]
        assert dates == sorted(dates, reverse=True)  # newest first

        events = api.events()
        names = [e["name"] for e in events]
        assert names[0] == "CONNECTION_CREATED"
        assert names[-1] == "SYNC_SUCCESS" and "SYNC_STARTED" in names
        assert names.count("SYNC_PROGRESS") == 3
        started_at = names.index("SYNC_STARTED")
        later = api.events(after=events[started_at]["id"])
        assert [e["name"] for e in later] == names[started_at + 1:]
        assert api.events(after=events[-1]["id"]) == []
        assert list_connections(api)[0]["id"] == created["id"]

        api.request("DELETE", "/connections/%s" % created["id"])
        assert list_connections(api) == []
        with pytest.raises(NotFound):
            api.connection(created["id"])


# --- Tokens ----------------------------------------------------------------------------------

def test_expired_access_token_is_refreshed_before_the_call(upstream):
    user = upstream.user()
    stale = dict(user.token, expires_at=int(time.time()) - 60)
    refreshed = []
    api = upstream.api(stale, refreshed=refreshed)
    copy = upstream.api(stale)  # someone still holding the old pair
    with upstream.tape(api.http, copy.http) as cassette:
        me = api.me()
        assert me["email"] == user.email
        # The refresh happened first, then the call, with the new token.
        assert [i.data["request"]["uri"] for i in cassette.interactions[:2]] == [
            upstream.token_endpoint, upstream.api_base_url + "/users/me"]
        assert len(refreshed) == 1
        rotated = refreshed[0]
        assert rotated["access_token"] != stale["access_token"]
        assert rotated["refresh_token"] != stale["refresh_token"]
        assert isinstance(rotated["expires_at"], int) and rotated["expires_at"] > time.time() + 60
        assert api.oauth.token["access_token"] == rotated["access_token"]
        api.me()  # no second refresh
        assert len(refreshed) == 1

        # Refresh tokens rotate: the old one was used up.
        with pytest.raises(InvalidToken) as used_up:
            copy.me()
        assert used_up.value.code == "invalid_grant"
        assert copy.oauth.token["refresh_token"] == stale["refresh_token"]


def test_refused_access_token_is_refreshed_then_retried(upstream):
    user = upstream.user()
    refreshed = []
    api = upstream.api(user.token, refreshed=refreshed)
    # The sandbox's clock runs an hour ahead of ours: it finds the token expired although its
    # announced expiry is still an hour away (clock skew, or a token revoked early).
    upstream.advance(3601)
    with upstream.tape(api.http) as cassette:
        me = api.me()
        calls = [(i.data["request"]["uri"], i.data["response"]["status"]["code"])
                 for i in cassette.interactions]
    assert me["email"] == user.email
    assert calls == [(upstream.api_base_url + "/users/me", 401), (upstream.token_endpoint, 200),
                     (upstream.api_base_url + "/users/me", 200)]
    assert len(refreshed) == 1
    assert refreshed[0]["access_token"] != user.token["access_token"]
    assert refreshed[0]["refresh_token"] != user.token["refresh_token"]


def test_refused_access_token_without_refresh_token_is_invalid(upstream):
    user = upstream.user(refresh_token=False)
    refreshed = []
    api = upstream.api(user.token, refreshed=refreshed)
    upstream.advance(3601)
    with upstream.tape(api.http) as cassette:
        with pytest.raises(InvalidToken) as refused:
            api.me()
    assert refused.value.status == 401 and refused.value.code == "invalid_token"
    assert len(cassette.interactions) == 1 and refreshed == []


def test_refused_refresh_token_on_retry_is_invalid(upstream):
    user = upstream.user()
    api = upstream.api(dict(user.token, refresh_token="not-a-refresh-token"))
    upstream.advance(3601)
    with upstream.tape(api.http):
        with pytest.raises(InvalidToken) as refused:
            api.me()
    assert refused.value.code == "invalid_grant"


def test_expired_access_token_without_refresh_token_is_left_to_the_api(upstream):
    # Nothing to refresh with: the client does not judge the expiry itself, the API does (here
    # the sandbox still takes the token; once it refuses it, see the test above).
    user = upstream.user(refresh_token=False)
    api = upstream.api(dict(user.token, expires_at=int(time.time()) - 60))
    with upstream.tape(api.http) as cassette:
        assert api.me()["email"] == user.email
    assert [i.data["request"]["uri"] for i in cassette.interactions] == [
        upstream.api_base_url + "/users/me"]


# --- No answer -------------------------------------------------------------------------------

def test_closed_port_is_a_network_error(closed_port_url):
    base = closed_port_url
    api = AccountsApi(base + "/sandbox/api/v2.1", base + "/sandbox/auth/token", fresh_token(),
                      client_id="demo-client", client_secret="replay-client-secret")
    with pytest.raises(NetworkError) as failed:
        api.me()
    assert failed.value.code == "network_error" and failed.value.description == "ConnectionError"


def test_read_timeout_is_a_network_error():
    with MuteServer() as mute:
        api = AccountsApi(mute.url + "/sandbox/api/v2.1", mute.url + "/sandbox/auth/token",
                          fresh_token(), client_id="demo-client",
                          client_secret="replay-client-secret", timeout=(1, 0.3))
        began = time.monotonic()
        with pytest.raises(NetworkError) as failed:
            api.providers()
    assert failed.value.description == "ReadTimeout"
    assert time.monotonic() - began < 5


def test_dropped_connection_is_a_network_error():
    with MuteServer(drop=True) as dropping:
        api = AccountsApi(dropping.url + "/sandbox/api/v2.1", dropping.url + "/sandbox/auth/token",
                          fresh_token(), client_id="demo-client",
                          client_secret="replay-client-secret", timeout=(1, 2))
        with pytest.raises(NetworkError) as failed:
            api.events()
    assert failed.value.code == "network_error" and failed.value.description == "ConnectionError"


class CannedServer(RawServer):
    """Answers every request with a providers list of one bank and the given headers."""

    def __init__(self, *headers):
        super().__init__()
        body = b'[{"id": "b1", "name": "Banque Une"}]'
        self.answer = b"\r\n".join([b"HTTP/1.1 200 OK", b"Content-Type: application/json",
                                     b"Content-Length: %d" % len(body), b"Connection: close",
                                     *headers, b"", body])
        self.queries = []

    def handle(self, conn):
        conn.settimeout(2)
        self.queries.append(parse_qs(urlsplit(conn.recv(65536).split(b" ")[1].decode()).query))
        conn.sendall(self.answer)
        conn.close()


@pytest.mark.parametrize("headers, total, capped", [
    ((b"X-Total-Count: 1000", b"X-Total-Count-Capped: true"), 1000, True),
    ((b"X-Total-Count: 1000", b"X-Total-Count-Capped: TRUE"), 1000, True),
    ((b"X-Total-Count: 12", b"X-Total-Count-Capped: false"), 12, False),
    ((b"X-Total-Count: 12",), 12, False),
    ((b"X-Total-Count: lots",), 1, False),  # a count that is no number: the page's length
    ((), 1, False),
])
def test_a_capped_count_is_read_from_its_header(headers, total, capped):
    with CannedServer(*headers) as upstream:
        api = AccountsApi(upstream.url + "/v2.1", upstream.url + "/token", fresh_token(),
                          timeout=(1, 2))
        page = api.providers(search="caisse", country="BE", limit=20, offset=40)
    assert page == ([{"id": "b1", "name": "Banque Une"}], total, capped)
    assert upstream.queries == [{"search": ["caisse"], "country": ["BE"], "limit": ["20"],
                                 "offset": ["40"]}]


# --- The token refresh Authlib makes by itself fails cleanly too -------------------------

def test_auth_server_error_during_refresh_is_an_upstream_error(upstream):
    user = upstream.user()
    api = upstream.api(dict(user.token, expires_at=int(time.time()) - 60))
    api.http.headers["X-Sandbox-Fault"] = "500"  # the sandbox's injected failure
    with upstream.tape(api.http):
        with pytest.raises(UpstreamError) as failed:
            api.me()
    assert failed.value.code == "auth_server_error"


def test_refresh_before_the_call_times_out():
    stale = dict(fresh_token(), expires_at=int(time.time()) - 60)
    outcome = []
    with MuteServer() as mute:
        api = AccountsApi(mute.url + "/sandbox/api/v2.1", mute.url + "/sandbox/auth/token", stale,
                          client_id="demo-client", client_secret="replay-client-secret",
                          timeout=(0.5, 0.5))

        def call():
            try:
                api.me()
            except Exception as exc:  # noqa: BLE001 (handed to the test's thread)
                outcome.append(exc)

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        worker.join(3)
        answered_in_time = not worker.is_alive()
    worker.join(5)  # the mute server hung up: the call ends now, in any case
    assert answered_in_time, "no answer after 3 s with a 0.5 s read timeout"
    assert isinstance(outcome[0], NetworkError)
