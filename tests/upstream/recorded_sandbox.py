"""Fixtures of the upstream client's tests: Betamax cassettes recorded against the sandbox.

Replay (the default): no server at all. Each test's calls are answered from
`tests/upstream/cassettes/<test name>.json` (record mode "none": an unrecorded call fails), and
the tokens and secrets are dummy strings put in place of the cassettes' placeholders.

Record (`BETAMAX_RECORD=1 .venv/bin/pytest tests/upstream`): the app with its embedded sandbox
listens on 127.0.0.1:5931, the address written in the cassettes, with a fresh database and a
fake clock for each test. The sandbox user each test needs is made over plain HTTP (client
token, `POST /users`, password grant, terms), outside Betamax, so only the client's own calls
are recorded. Every cassette is rewritten before it is saved: tokens, the client secret (and
its Basic header), the user's password and the bank password become placeholders.
"""
import base64
import json
import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from betamax import Betamax
from betamax.cassette.cassette import Placeholder

from widget.upstream.accounts_api import AccountsApi
from widget.upstream.http_session import pooled

RECORD = os.environ.get("BETAMAX_RECORD") == "1"

HOST, PORT = "127.0.0.1", 5931
BASE_URL = "http://%s:%d" % (HOST, PORT)
TOKEN_ENDPOINT = BASE_URL + "/sandbox/auth/token"
API_BASE_URL = BASE_URL + "/sandbox/api/v2.1"
CASSETTES = Path(__file__).resolve().parent / "cassettes"
MATCH_ON = ["method", "uri", "body"]

CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-secret" if RECORD else "replay-client-secret"
TOKEN_KINDS = {"access_token": "ACCESS_TOKEN", "refresh_token": "REFRESH_TOKEN"}
REPLAY_TOKEN_SLOTS = 8  # <ACCESS_TOKEN_1>... a cassette may name; more than any test uses


def basic_credentials(client_id, secret):
    return base64.b64encode(("%s:%s" % (client_id, secret)).encode()).decode()


# The client's secret is the same in every cassette: a placeholder for all of them.
with Betamax.configure() as config:
    config.define_cassette_placeholder("<CLIENT_BASIC>",
                                       basic_credentials(CLIENT_ID, CLIENT_SECRET))
    config.define_cassette_placeholder("<CLIENT_SECRET>", CLIENT_SECRET)


class Secrets:
    """One cassette's own placeholders: `<ACCESS_TOKEN_1>`... in the order they appear."""

    def __init__(self):
        self.values = {}  # placeholder -> the text it stands for
        if not RECORD:
            for number in range(1, REPLAY_TOKEN_SLOTS + 1):
                for kind in TOKEN_KINDS.values():
                    self.values["<%s_%d>" % (kind, number)] = replay_token(kind, number)
            self.values["<USER_PASSWORD>"] = "replay-user-password"
            self.values["<BANK_PASSWORD>"] = "replay-bank-password"

    def add(self, placeholder, value):
        if RECORD and value and value not in self.values.values():
            self.values.setdefault(placeholder, value)
        return self.values[placeholder]

    def token(self, kind, value):
        """Name a token seen while recording `<KIND_n>` (n counts the tokens of that kind)."""
        if not RECORD or not value or value in self.values.values():
            return
        number = 1 + sum(1 for name in self.values if name.startswith("<%s_" % kind))
        self.values["<%s_%d>" % (kind, number)] = value

    def options(self):
        return [{"placeholder": name, "replace": value} for name, value in self.values.items()]


def replay_token(kind, number):
    return "replay-%s-%d" % (kind.lower().replace("_", "-"), number)


def bank_password(secrets):
    """A bank password for an EMBEDDED login (any succeeds but `wrong`), scrubbed as well."""
    return secrets.add("<BANK_PASSWORD>", "bank-" + uuid.uuid4().hex)


def _scrub(cassette, secrets):
    """Before the cassette is saved: name every token it holds, drop the body lengths."""
    for interaction in cassette.interactions:
        data = interaction.data
        # Tokens are issued in answers (the token endpoint's); the ones a request carries
        # were issued before, or made up by the test (no secret then, and kept as they are).
        try:
            body = json.loads(data["response"]["body"].get("string") or "null")
        except ValueError:
            body = None
        if isinstance(body, dict):
            for field, kind in TOKEN_KINDS.items():
                if isinstance(body.get(field), str):
                    secrets.token(kind, body[field])
        # Placeholders change the bodies' lengths: without the header, the replayed body is
        # read to its end instead of being cut (or refused) at the recorded length.
        headers = data["response"]["headers"]
        for name in [name for name in headers if name.lower() == "content-length"]:
            del headers[name]
    known = {placeholder.placeholder for placeholder in cassette.placeholders}
    cassette.placeholders = list(cassette.placeholders) + [
        Placeholder(name, value) for name, value in secrets.values.items() if name not in known
    ]


def _pretty_print(path):
    """One interaction field per line, so a re-recording reads as a diff."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


class User:
    def __init__(self, email, token):
        self.email = email
        self.token = token


class Upstream:
    """The sandbox as the tests see it: live while recording, a set of cassettes otherwise."""

    recording = RECORD
    api_base_url = API_BASE_URL
    token_endpoint = TOKEN_ENDPOINT
    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET

    def __init__(self, name, clock=None):
        self.name = name
        self.clock = clock
        self.secrets = Secrets()

    # Time
    def advance(self, seconds):
        """Move the sandbox's clock (while recording; the cassettes already hold the answers)."""
        if self.clock is not None:
            self.clock.advance(seconds)

    # Setup over plain HTTP, never recorded
    def user(self, accept_terms=True, refresh_token=True):
        """A new sandbox user and a token for the client, as a widget session would hold it."""
        email = "%s@upstream.example" % self.name.replace("_", "-")
        if self.recording:
            password = self.secrets.add("<USER_PASSWORD>", uuid.uuid4().hex)
            tokens = _sandbox_user(email, password, accept_terms)
        else:
            tokens = {kind: replay_token(TOKEN_KINDS[kind], 1) for kind in TOKEN_KINDS}
        token = {"access_token": tokens["access_token"], "token_type": "Bearer",
                 "expires_at": int(time.time()) + 3600}
        if refresh_token:
            token["refresh_token"] = tokens["refresh_token"]
        for field, kind in TOKEN_KINDS.items():
            self.secrets.token(kind, tokens[field])
        return User(email, token)

    def bank_password(self):
        return bank_password(self.secrets)

    # The client under test
    def api(self, token, refreshed=None, **kwargs):
        """An AccountsApi on the sandbox's address; refreshed tokens are appended to `refreshed`."""
        kwargs.setdefault("client_id", CLIENT_ID)
        kwargs.setdefault("client_secret", CLIENT_SECRET)
        kwargs.setdefault("timeout", (3.05, 10))
        # A session of its own, for the cassette: not the process's, which other code shares.
        kwargs.setdefault("http", pooled(requests.Session()))
        api = AccountsApi(API_BASE_URL, TOKEN_ENDPOINT, token,
                          on_token_refreshed=None if refreshed is None else refreshed.append,
                          **kwargs)
        # Plain bodies: the sandbox compresses answers since these cassettes began, and
        # Betamax fails to record a compressed one (ContentDecodingError).
        api.http.headers["Accept-Encoding"] = "identity"
        return api

    @contextmanager
    def tape(self, session, *more_sessions, name=None):
        """Record or replay the calls of these requests sessions in this test's cassette.

        Yields the Betamax cassette. While replaying, every recorded call must have been
        played by the end (a refresh that did not happen fails the test).
        """
        name = name or self.name
        path = CASSETTES / (name + ".json")
        if self.recording:
            # Record mode "once" on a deleted cassette records every call, in order. Mode "all"
            # would not: it drops an earlier interaction that a later identical call matches
            # (a polled GET, the retry after a refresh), so the replay would miss it.
            CASSETTES.mkdir(exist_ok=True)
            path.unlink(missing_ok=True)
        elif not path.exists():
            pytest.fail("No cassette %s: record it with BETAMAX_RECORD=1" % path.name)
        recorder = Betamax(session, cassette_library_dir=str(CASSETTES))
        with recorder.use_cassette(name, record="once" if self.recording else "none",
                                   match_requests_on=MATCH_ON, serialize_with="json",
                                   placeholders=self.secrets.options()):
            cassette = recorder.current_cassette
            for other in more_sessions:  # one cassette for several sessions, in call order
                for prefix in ("http://", "https://"):
                    other.mount(prefix, recorder.betamax_adapter)
            try:
                yield cassette
            finally:
                if self.recording:
                    _scrub(cassette, self.secrets)
            if not self.recording:
                unplayed = ["%s %s" % (i.data["request"]["method"], i.data["request"]["uri"])
                            for i in cassette.interactions if not i.used]
                assert not unplayed, "recorded calls the client did not make: %s" % unplayed
        if self.recording:
            _pretty_print(path)


def _sandbox_user(email, password, accept_terms):
    """Client token, `POST /users`, password grant and, if asked, the terms: plain requests."""
    with requests.Session() as http:
        auth = (CLIENT_ID, CLIENT_SECRET)
        answer = http.post(TOKEN_ENDPOINT, auth=auth, timeout=10,
                           data={"grant_type": "client_credentials", "scope": "users_create"})
        assert answer.status_code == 200, answer.text
        created = http.post(API_BASE_URL + "/users", json={"email": email, "password": password},
                            headers={"Authorization": "Bearer " + answer.json()["access_token"]},
                            timeout=10)
        assert created.status_code == 201, created.text
        answer = http.post(TOKEN_ENDPOINT, auth=auth, timeout=10, data={
            "grant_type": "password", "username": email, "password": password})
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        if accept_terms:
            headers = {"Authorization": "Bearer " + tokens["access_token"]}
            terms = http.get(API_BASE_URL + "/terms", headers=headers, timeout=10)
            assert terms.status_code == 200, terms.text
            accepted = http.post(API_BASE_URL + "/users/me/terms", headers=headers, timeout=10,
                                 json={"version": terms.json()["version"]})
            assert accepted.status_code == 200, accepted.text
    return tokens
