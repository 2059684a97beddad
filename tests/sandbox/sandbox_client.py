"""The sandbox's HTTP interface as the widget calls it, through Flask's test client (the app of
tests/sandbox/conftest.py, on a fake clock), and the bytes of its database file."""
import base64
import itertools
import os
from urllib.parse import parse_qs, urlsplit

API = "/sandbox/api/v2.1"
TOKEN_URL = "/sandbox/auth/token"
DEMO_CLIENT = ("demo-client", "demo-secret")
EMAIL_NUMBERS = itertools.count(1)  # unique in a process; each app has its own database


def basic_auth(client_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def query_of(url):
    """The query string of a URL as a dict of single values."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query,
                                                       keep_blank_values=True).items()}


class SandboxClient:
    """Calls the sandbox over its HTTP interface, the way the widget does."""

    def __init__(self, client, clock):
        self.http = client
        self.clock = clock
        self.token = None

    def token_request(self, auth=DEMO_CLIENT, **form):
        return self.http.post(TOKEN_URL, data=form, headers=basic_auth(*auth))

    def client_token(self):
        response = self.token_request(grant_type="client_credentials")
        assert response.status_code == 200, response.json
        return response.json["access_token"]

    def call(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        token = token or self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.open(API + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.call("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)

    def create_user(self, email=None, password="s3cret-pass"):
        email = email or f"user{next(EMAIL_NUMBERS)}@example.com"
        response = self.post("/users", token=self.client_token(),
                             json={"email": email, "password": password})
        assert response.status_code == 201, response.json
        return email, password

    def sign_in(self, accept_terms=True):
        """A new user whose token becomes this client's; terms accepted unless told."""
        email, password = self.create_user()
        response = self.token_request(grant_type="password", username=email, password=password)
        assert response.status_code == 200, response.json
        self.token = response.json["access_token"]
        if accept_terms:
            assert self.post("/users/me/terms", json={"version": "2026-01"}).status_code == 200
        return response.json

    def connect(self, login="demo", provider="web", definition="web-embedded", password="pw"):
        """An EMBEDDED connection; returns the connection JSON."""
        response = self.post("/connections", json={
            "provider_id": provider, "channel_definition_id": definition,
            "credentials": {"login": login, "password": password},
        })
        assert response.status_code == 201, response.json
        return response.json

    def sync(self, connection_id):
        """Start a sync of the connection; the answer (202)."""
        response = self.post(f"/connections/{connection_id}/synchronize")
        assert response.status_code == 202, response.json
        return response.json

    def connection(self, connection_id):
        response = self.get(f"/connections/{connection_id}")
        assert response.status_code == 200, response.json
        return response.json

    def consent_all(self, connection_id):
        response = self.put(f"/connections/{connection_id}/consents",
                            json={"all_accounts": True})
        assert response.status_code == 200, response.json
        return response.json

    def accounts(self, connection_id):
        return self.get(f"/accounts?connection_id={connection_id}").json

    def events(self, after=0):
        return self.get(f"/events?after={after}").json

    def event_names(self, connection_id=None):
        return [event["name"] for event in self.events()
                if connection_id is None or event["connection_id"] == connection_id]

    def bank_code(self, provider="demo", definition="demo-redirect", login="demo",
                  redirect_uri="http://localhost:5000/widget/callback", state="st-1"):
        """Walk the bank portal and return the query it redirects back with."""
        response = self.post(
            f"/providers/{provider}/channel_definitions/{definition}/authorize_url",
            json={"redirect_uri": redirect_uri, "state": state},
        )
        assert response.status_code == 200, response.json
        request_id = query_of(response.json["authorize_url"])["request"]
        page = self.http.post("/sandbox/bank/authorize",
                              data={"request": request_id, "login": login, "password": "pw"})
        assert page.status_code == 200
        back = self.http.post("/sandbox/bank/consent",
                              data={"request": request_id, "decision": "approve"})
        assert back.status_code == 303
        return query_of(back.headers["Location"])


def database_bytes(path):
    """The database's file and its write-ahead log, where the latest writes are."""
    stored = b""
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            with open(name, "rb") as part:
                stored += part.read()
    return stored
