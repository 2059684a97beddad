"""Connections: EMBEDDED credentials, the bank portal and REDIRECT codes, channels, deletion."""
import re

from tests.sandbox.sandbox_client import SandboxClient, query_of

CALLBACK = "http://localhost:5000/widget/callback"


def test_create_embedded_connection(user, clock):
    connection = user.connect(login="alice")
    assert connection["provider_id"] == "web"
    assert connection["status"] == "NONE"
    assert connection["last_sync_date"] is None
    assert connection["sync"]["status"] == "NONE"
    assert connection["sync"]["steps_total"] == 3
    (channel,) = connection["channels"]
    assert channel["channel_definition_id"] == "web-embedded"
    assert channel["mode"] == "EMBEDDED"
    assert channel["status"] == "SUCCESS"
    assert channel["login"] == "alice"
    assert channel["challenge"] is None
    assert "password" not in str(connection)
    accounts = user.accounts(connection["id"])
    assert [a["type"] for a in accounts] == ["CHECKINGS", "CHECKINGS", "SAVINGS", "SAVINGS"]
    assert {a["status"] for a in accounts} == {"PENDING_CONSENT"}
    assert user.event_names(connection["id"]) == ["CONNECTION_CREATED", "ACCOUNTS_UPDATED"]


def test_wrong_password_creates_nothing(user):
    response = user.post("/connections", json={
        "provider_id": "web", "channel_definition_id": "web-embedded",
        "credentials": {"login": "demo", "password": "wrong"}})
    assert response.status_code == 403
    assert response.json["error"] == "auth_failed"
    assert user.get("/connections").json == []
    (event,) = user.events()
    assert event["name"] == "AUTH_FAILED"
    assert event["connection_id"] is None
    assert event["data"]["error"] == "wrong_credentials"


def test_creation_validates_its_body(user):
    bodies = [
        {},
        {"provider_id": "web"},
        {"provider_id": "web", "channel_definition_id": "web-embedded"},
        {"provider_id": "web", "channel_definition_id": "web-embedded", "credentials": "x"},
        {"provider_id": "web", "channel_definition_id": "web-embedded",
         "credentials": {"login": "demo"}},
        {"provider_id": "demo", "channel_definition_id": "demo-redirect",
         "credentials": {"login": "demo", "password": "pw"}},
    ]
    for body in bodies:
        response = user.post("/connections", json=body)
        assert response.status_code == 400, body
        assert response.json["error"] == "invalid_request"
    not_json = user.post("/connections", data=b"provider_id=web",
                         headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400


def test_unknown_provider_or_definition_is_404(user):
    for provider, definition in (("nope", "web-embedded"), ("web", "demo-embedded")):
        response = user.post("/connections", json={
            "provider_id": provider, "channel_definition_id": definition,
            "credentials": {"login": "demo", "password": "pw"}})
        assert response.status_code == 404


def test_list_get_and_delete(user):
    first = user.connect()
    second = user.connect(provider="demo", definition="demo-embedded")
    listed = user.get("/connections")
    assert [c["id"] for c in listed.json] == [first["id"], second["id"]]
    assert listed.headers["X-Total-Count"] == "2"
    assert user.delete(f"/connections/{first['id']}").status_code == 204
    assert user.get(f"/connections/{first['id']}").status_code == 404
    assert user.get(f"/accounts?connection_id={first['id']}").status_code == 404
    assert [c["id"] for c in user.get("/connections").json] == [second["id"]]
    assert user.delete(f"/connections/{first['id']}").status_code == 404


def test_another_users_ids_are_404(user, client, clock):
    connection = user.connect()
    account_id = user.accounts(connection["id"])[0]["id"]
    channel_id = connection["channels"][0]["id"]
    other = SandboxClient(client, clock)
    other.sign_in()
    for method, path in (
        ("GET", f"/connections/{connection['id']}"),
        ("DELETE", f"/connections/{connection['id']}"),
        ("POST", f"/connections/{connection['id']}/synchronize"),
        ("PUT", f"/connections/{connection['id']}/channels/{channel_id}/credentials"),
        ("GET", f"/accounts/{account_id}"),
        ("GET", f"/accounts?connection_id={connection['id']}"),
        ("GET", f"/transactions?account_id={account_id}"),
        ("GET", "/connections/abc"),
    ):
        response = other.call(method, path, json={})
        assert response.status_code == 404, (method, path)
        assert response.json["error"] == "not_found"
    assert other.events() == []
    assert user.get(f"/connections/{connection['id']}").status_code == 200


def test_bank_portal_login_approve_and_create(user):
    response = user.post("/providers/demo/channel_definitions/demo-redirect/authorize_url",
                         json={"redirect_uri": CALLBACK + "?keep=1", "state": "abc"})
    assert response.status_code == 200
    url = response.json["authorize_url"]
    assert url.startswith("http://localhost/sandbox/bank/authorize?request=")
    path = url.removeprefix("http://localhost")
    page = user.http.get(path)
    assert page.status_code == 200
    assert "Banque Démo" in page.text
    request_id = query_of(url)["request"]
    refused = user.http.post("/sandbox/bank/authorize",
                             data={"request": request_id, "login": "demo", "password": "wrong"})
    assert refused.status_code == 401
    assert "incorrect" in refused.text
    assert 'value="wrong"' not in refused.text
    consent = user.http.post("/sandbox/bank/authorize",
                             data={"request": request_id, "login": "otp", "password": "pw"})
    assert consent.status_code == 200
    assert 'value="approve"' in consent.text
    back = user.http.post("/sandbox/bank/consent",
                          data={"request": request_id, "decision": "approve"})
    assert back.status_code == 303
    location = back.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    query = query_of(location)
    assert query["keep"] == "1"
    assert query["state"] == "abc"
    created = user.post("/connections", json={
        "provider_id": "demo", "channel_definition_id": "demo-redirect",
        "authorization_code": query["code"], "redirect_uri": CALLBACK + "?keep=1"})
    assert created.status_code == 201, created.json
    (channel,) = created.json["channels"]
    assert channel["mode"] == "REDIRECT"
    assert channel["login"] is None
    # The login typed at the bank chose the scenario: an SMS code first.
    assert channel["status"] == "CHALLENGE_REQUIRED"
    assert channel["challenge"]["type"] == "SMS_CODE"
    # The portal visit is over: its page and its code cannot serve again.
    assert user.http.get(path).status_code == 400
    reused = user.post("/connections", json={
        "provider_id": "demo", "channel_definition_id": "demo-redirect",
        "authorization_code": query["code"], "redirect_uri": CALLBACK + "?keep=1"})
    assert reused.status_code == 403
    assert reused.json["error"] == "auth_failed"


def test_bank_portal_deny(user):
    url = user.post("/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
                    json={"redirect_uri": CALLBACK, "state": "s-9"}).json["authorize_url"]
    request_id = query_of(url)["request"]
    user.http.post("/sandbox/bank/authorize",
                   data={"request": request_id, "login": "demo", "password": "pw"})
    back = user.http.post("/sandbox/bank/consent", data={"request": request_id,
                                                         "decision": "deny"})
    assert back.status_code == 303
    assert query_of(back.headers["Location"]) == {"error": "access_denied", "state": "s-9"}
    again = user.http.post("/sandbox/bank/consent", data={"request": request_id,
                                                          "decision": "approve"})
    assert again.status_code == 400


def test_bank_portal_needs_a_login_before_consent(user):
    url = user.post("/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
                    json={"redirect_uri": CALLBACK, "state": "s"}).json["authorize_url"]
    back = user.http.post("/sandbox/bank/consent", data={"request": query_of(url)["request"],
                                                         "decision": "approve"})
    assert back.status_code == 400
    assert user.http.get("/sandbox/bank/authorize?request=forged").status_code == 400


def test_bank_portal_visit_expires(user, clock):
    url = user.post("/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
                    json={"redirect_uri": CALLBACK, "state": "s"}).json["authorize_url"]
    clock.advance(901)
    assert user.http.get(url.removeprefix("http://localhost")).status_code == 400


def test_bank_portal_speaks_english(user):
    url = user.post("/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
                    json={"redirect_uri": CALLBACK, "state": "s"}).json["authorize_url"]
    page = user.http.get(url.removeprefix("http://localhost"),
                         headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Sign in to your online banking" in page.text


def test_authorize_url_checks(user):
    base = "/providers/demo/channel_definitions/"
    assert user.post(base + "demo-embedded/authorize_url",
                     json={"redirect_uri": CALLBACK}).status_code == 400
    assert user.post(base + "demo-redirect/authorize_url",
                     json={"redirect_uri": "/relative"}).status_code == 400
    assert user.post(base + "demo-redirect/authorize_url",
                     json={"redirect_uri": "javascript:alert(1)"}).status_code == 400
    assert user.post(base + "nope/authorize_url",
                     json={"redirect_uri": CALLBACK}).status_code == 404


def test_authorize_url_uses_the_public_base_url(app, user):
    app.config["PUBLIC_BASE_URL"] = "https://passerelle.example/"
    url = user.post("/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
                    json={"redirect_uri": CALLBACK}).json["authorize_url"]
    assert url.startswith("https://passerelle.example/sandbox/bank/authorize?request=")


def test_code_is_bound_to_the_redirect_uri_and_channel(user):
    query = user.bank_code()
    for definition, redirect_uri in (("demo-redirect", CALLBACK + "/x"),
                                     ("psd2-redirect", CALLBACK)):
        provider = definition.split("-")[0]
        response = user.post("/connections", json={
            "provider_id": provider, "channel_definition_id": definition,
            "authorization_code": query["code"], "redirect_uri": redirect_uri})
        assert response.status_code == 403, definition
    ok = user.post("/connections", json={
        "provider_id": "demo", "channel_definition_id": "demo-redirect",
        "authorization_code": query["code"], "redirect_uri": CALLBACK})
    assert ok.status_code == 201


def test_add_the_other_channel(user):
    query = user.bank_code()
    connection = user.post("/connections", json={
        "provider_id": "demo", "channel_definition_id": "demo-redirect",
        "authorization_code": query["code"], "redirect_uri": CALLBACK}).json
    added = user.post(f"/connections/{connection['id']}/channels", json={
        "channel_definition_id": "demo-embedded",
        "credentials": {"login": "saver", "password": "pw"}})
    assert added.status_code == 201
    assert [c["channel_definition_id"] for c in added.json["channels"]] == [
        "demo-redirect", "demo-embedded"]
    types = [a["type"] for a in user.accounts(connection["id"])]
    assert types == ["CHECKINGS", "CHECKINGS", "CREDIT_CARD", "SAVINGS", "SAVINGS", "LOAN"]
    twice = user.post(f"/connections/{connection['id']}/channels", json={
        "channel_definition_id": "demo-embedded",
        "credentials": {"login": "saver", "password": "pw"}})
    assert twice.status_code == 409
    other_bank = user.post(f"/connections/{connection['id']}/channels", json={
        "channel_definition_id": "web-embedded",
        "credentials": {"login": "saver", "password": "pw"}})
    assert other_bank.status_code == 404


def test_add_channel_with_a_wrong_password(user):
    connection = user.connect(provider="demo", definition="demo-embedded")
    query = {"channel_definition_id": "demo-redirect", "authorization_code": "forged",
             "redirect_uri": CALLBACK}
    response = user.post(f"/connections/{connection['id']}/channels", json=query)
    assert response.status_code == 403
    assert len(user.connection(connection["id"])["channels"]) == 1
    assert user.events()[-1]["name"] == "AUTH_FAILED"
    assert user.events()[-1]["connection_id"] == connection["id"]


def test_odd_ids_are_404_not_500(user):
    for path in ("/connections/99999999999999999999999", "/connections/-1", "/connections/١",
                 "/accounts/1e3", "/accounts?connection_id=99999999999999999999999"):
        assert user.get(path).status_code == 404, path
    assert user.get("/events?after=99999999999999999999999").status_code == 400
    assert user.get("/providers?offset=99999999999999999999999").status_code == 400


def test_portal_pages_load_their_stylesheet(user):
    url = user.post("/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
                    json={"redirect_uri": CALLBACK}).json["authorize_url"]
    page = user.http.get(url.removeprefix("http://localhost"))
    assert "<script" not in page.text
    stylesheet_url = re.search(r'href="(/sandbox/static/sandbox\.[0-9a-f]{12}\.css)"', page.text)
    with user.http.get(stylesheet_url.group(1)) as stylesheet:
        assert stylesheet.status_code == 200
