"""What a Client's backend does over real HTTP, against an app served by tests/live_server.py
(at `app.live_url`): sandbox users, their connections and syncs through the embedded sandbox's
Accounts API, and widget sessions."""
import base64
import time
import uuid

import requests

CLIENT = ("demo-client", "demo-secret")
SCA_VALIDITY = 300  # the sandbox's default: a sync after this asks the challenge again


def basic(client_id, secret):
    """The Authorization header of a Client authenticating with its id and secret."""
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def sandbox_user(app, accept_terms=False, password=None):
    """A new sandbox user and their tokens, made the way a Client would."""
    base = app.live_url
    client_token = requests.post(base + "/sandbox/auth/token", auth=CLIENT, timeout=10, data={
        "grant_type": "client_credentials", "scope": "users_create"}).json()
    email = "user-%s@sandbox.example" % uuid.uuid4().hex[:12]
    password = password or uuid.uuid4().hex
    created = requests.post(base + "/sandbox/api/v2.1/users", timeout=10,
                            json={"email": email, "password": password},
                            headers={"Authorization": "Bearer " + client_token["access_token"]})
    assert created.status_code == 201, created.text
    tokens = requests.post(base + "/sandbox/auth/token", auth=CLIENT, timeout=10, data={
        "grant_type": "password", "username": email, "password": password}).json()
    if accept_terms:
        headers = {"Authorization": "Bearer " + tokens["access_token"]}
        version = requests.get(base + "/sandbox/api/v2.1/terms", headers=headers,
                               timeout=10).json()["version"]
        requests.post(base + "/sandbox/api/v2.1/users/me/terms", json={"version": version},
                      headers=headers, timeout=10).raise_for_status()
    return {"email": email, "password": password, **tokens}


class SandboxUser:
    """A sandbox user made over HTTP by the test itself, with its own token family."""

    def __init__(self, base_url, email, password):
        self.base, self.email, self.password = base_url, email, password
        self.token = self._token(grant_type="password", username=email, password=password)

    def _token(self, **grant):
        response = requests.post(self.base + "/sandbox/auth/token", data=grant,
                                 auth=CLIENT, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def api(self, method, path, **kwargs):
        return requests.request(method, self.base + "/sandbox/api/v2.1" + path, timeout=10,
                                headers={"Authorization": "Bearer " + self.token}, **kwargs)

    def accept_terms(self):
        version = self.api("GET", "/terms").json()["version"]
        assert self.api("POST", "/users/me/terms", json={"version": version}).status_code == 200

    def synced_connection(self, clock, login="demo"):
        """A `web` connection with every account consented and synchronised: its id."""
        created = self.api("POST", "/connections", json={
            "provider_id": "web", "channel_definition_id": "web-embedded",
            "credentials": {"login": login, "password": "secret"}})
        assert created.status_code == 201, created.text
        connection_id = created.json()["id"]
        consents = self.api("PUT", "/connections/%s/consents" % connection_id,
                            json={"all_accounts": True})
        assert consents.status_code == 200, consents.text
        sync = self.api("POST", "/connections/%s/synchronize" % connection_id)
        assert sync.status_code == 202, sync.text
        clock.advance(60)
        return connection_id


def call(app, user, method, path, **kwargs):
    """One call of the user's on the Accounts API: its JSON (None if empty); 4xx/5xx raise."""
    with requests.request(method, app.live_url + "/sandbox/api/v2.1" + path, timeout=10,
                          headers={"Authorization": "Bearer " + user["access_token"]},
                          **kwargs) as response:
        response.raise_for_status()
        return response.json() if response.content else None


def api(app, user, path, **params):
    return call(app, user, "GET", path, params=params)


def connections(app, user):
    return api(app, user, "/connections")


def accounts(app, user, connection_id):
    return api(app, user, "/accounts", connection_id=connection_id)


def bank_connection(app, user, login="demo", provider="web", definition="web-embedded",
                    consent_all=True):
    """A connection made straight through the API, as the Client's earlier widget run did."""
    connection = call(app, user, "POST", "/connections", json={
        "provider_id": provider, "channel_definition_id": definition,
        "credentials": {"login": login, "password": "pw"}})
    if consent_all:
        call(app, user, "PUT", "/connections/%s/consents" % connection["id"],
             json={"all_accounts": True})
    return connection["id"]


def ready_connection(app, user, clock, login="otp"):
    """A connection made earlier (its challenge answered, its accounts consented), whose strong
    authentication has grown old: the next sync asks the user again."""
    connection_id = bank_connection(app, user, login=login, consent_all=False)
    channel = call(app, user, "GET", "/connections/" + connection_id)["channels"][0]
    if login == "app":
        clock.advance(6)  # approved in the bank's app
    elif channel["status"] == "CHALLENGE_REQUIRED":
        call(app, user, "POST", "/connections/%s/channels/%s/challenges/%s" % (
            connection_id, channel["id"], channel["challenge"]["id"]),
            json={"answer": {"otp": "123456", "question": "blue"}[login]})
    call(app, user, "PUT", "/connections/%s/consents" % connection_id, json={"all_accounts": True})
    clock.advance(SCA_VALIDITY + 1)
    return connection_id


def synchronize(app, user, connection_id):
    """The Client starts a sync through the API."""
    return call(app, user, "POST", "/connections/%s/synchronize" % connection_id)


def needing_user(app, user, clock, login="otp"):
    """A connection whose sync, started by the Client, waits for the user's answer: its id."""
    connection_id = ready_connection(app, user, clock, login)
    connection = synchronize(app, user, connection_id)
    assert connection["channels"][0]["status"] == "CHALLENGE_REQUIRED"
    return connection_id


def widget_link(app, user, widget="add_connection", query=None, **options):
    """The `widget` link of a new widget session the Client made for `user` with `options`
    (returning to the playground unless `redirect_url=None`: the widget's own result page),
    `query` added to it as the Client's page would."""
    options.setdefault("redirect_url", app.live_url + "/playground/return")
    with requests.post(app.live_url + "/widget_session", auth=CLIENT, timeout=10, data={
            "access_token": user["access_token"], "refresh_token": user["refresh_token"],
            **{k: v for k, v in options.items() if v is not None}}) as response:
        assert response.status_code == 201, response.text
        link = response.json()["_links"][widget]
    return link + "".join("&%s=%s" % item for item in (query or {}).items())


def connected_user(app, login="pro"):
    """A user with one connection at Banque en Ligne, consented, as after add_connection:
    (user, connection id, the user's API headers)."""
    user = sandbox_user(app, accept_terms=True)
    connection_id = bank_connection(app, user, login=login)
    return user, connection_id, {"Authorization": "Bearer " + user["access_token"]}


def channel_status(app, headers, connection_id):
    with requests.get(app.live_url + "/sandbox/api/v2.1/connections/" + connection_id,
                      headers=headers, timeout=10) as answer:
        return answer.json()["channels"][0]["status"]


def expired_connection(app):
    """`connected_user` whose bank access has expired (its first sync ends TOKEN_EXPIRED)."""
    user, connection_id, headers = connected_user(app, login="expired")
    synchronize(app, user, connection_id)
    for _ in range(100):  # the sandbox's first sync takes 2 s here, then the access expires
        if channel_status(app, headers, connection_id) == "TOKEN_EXPIRED":
            break
        time.sleep(0.2)
    assert channel_status(app, headers, connection_id) == "TOKEN_EXPIRED"
    return user, connection_id, headers
