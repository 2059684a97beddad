"""Nothing usable at rest: every widget session record is encrypted (SESSION_ENCRYPTION_KEYS),
keys rotate, and a record no key opens reads as a missing session, never a 500."""
import json
import os
import time

import pytest
import redis
from cryptography.fernet import Fernet

from tests.client_backend import sandbox_user
from tests.live_server import build_app
from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.widget_driver import create_session, open_widget, returned, screen, through_bank
from widget import create_app, store_files
from widget.config import SettingError
from widget.encryption import SEALED, RecordCipher, derived_key
from widget.store import widget_sessions
from widget.store_keys import events_key, live_key, stale_key, state_key

# A database of its own: the scan reads every key in it, so no other test's keys may be there.
SCANNED_REDIS = "redis://127.0.0.1:6379/11"
KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))


def opened(key, sealed):
    """What `key` alone opens of a sealed record (None when it does not)."""
    return RecordCipher([key]).open(sealed)


def every_file_under(folder):
    for root, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as fh:
                yield os.path.join(root, name), fh.read()


def stored_values(app):
    """(where, bytes) of every record the store holds: each Redis value, or each file."""
    if app.config.get("REDIS_URL"):
        client = redis.Redis.from_url(app.config["REDIS_URL"])
        return [(key.decode(), client.get(key) or b"") for key in client.keys("*")
                if client.type(key) == b"string"]
    return list(every_file_under(os.path.join(app.instance_path, "sessions")))


def assert_nowhere_at_rest(app, secrets):
    """No secret in any value, nor in any key or file name (the session id drives a widget)."""
    values = stored_values(app)
    assert values, "the scan found no record at all"
    for where, value in values:
        name = store_files.key_of(os.path.basename(where)) or ""  # a record file's key
        for secret in secrets:
            assert secret.encode() not in value, (where, secret)
            assert secret not in where and secret not in name, (where, secret)


@pytest.fixture(params=["files", pytest.param("redis", marks=pytest.mark.redis)])
def scanned_app(request, tmp_path, clock):
    config = {"SANDBOX_CLOCK": clock, "WIDGET_CLOCK": clock}
    if request.param == "redis":
        if not redis_available():
            pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
        redis.Redis.from_url(SCANNED_REDIS).flushdb()
        config["REDIS_URL"] = SCANNED_REDIS
    app, server = build_app(tmp_path, **config)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


def live_secrets(app, session_id):
    """The session's tokens and CSRF token as the store holds them now (refreshes included)."""
    with app.app_context():
        data = widget_sessions().load(session_id)
    assert data and data["client_secret"] == "demo-secret"
    return [data["token"]["access_token"], data["token"]["refresh_token"], data["csrf_token"]]


def test_no_token_secret_or_csrf_token_at_rest_through_embedded_and_redirect_flows(scanned_app,
                                                                                    clock):
    app = scanned_app
    client = app.test_client()
    seen = ["demo-secret"]

    # An EMBEDDED bank with a challenge.
    user = sandbox_user(app, accept_terms=True)
    w, page = open_widget(client, user, provider_id="web")
    page = w.post("/widget/add_connection/credentials", login="question", password="pw")
    assert screen(page) == "challenge"
    seen += [user["access_token"], user["refresh_token"], w.session_id]
    seen += live_secrets(app, w.session_id)
    assert_nowhere_at_rest(app, seen)  # mid-flow: the live record holds everything
    w.post("/widget/add_connection/challenge", answer="blue")
    w.post("/widget/add_connection/consent")
    clock.advance(60)
    assert returned(w.get("/widget/add_connection/wait"))["result"] == "success"

    # A REDIRECT bank, through the sandbox's portal: the bank `state` index is written too.
    other = sandbox_user(app, accept_terms=True)
    r, _ = open_widget(client, other, provider_id="psd2")
    seen += [other["access_token"], other["refresh_token"], r.session_id]
    seen += live_secrets(app, r.session_id)
    assert through_bank(r, "demo").status_code == 303
    seen += live_secrets(app, r.session_id)
    assert screen(r.resume()) == "accounts"
    assert_nowhere_at_rest(app, seen)
    r.post("/widget/add_connection/consent")
    clock.advance(60)
    assert returned(r.get("/widget/add_connection/wait"))["result"] == "success"

    assert_nowhere_at_rest(app, seen)  # what is left: stale records and the state index


def test_every_record_opens_with_the_configured_key_only(tmp_path):
    app = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_A)
    with app.app_context():
        session_id = widget_sessions().create({"expires_at_ts": time.time() + 60, "marker": "m"})
        state = "s" * 43
        widget_sessions().bank_states.bind(state, session_id, time.time() + 60)
        backend = widget_sessions().backend
        records = [backend.get(key) for key in (live_key(session_id),
                                                stale_key(session_id),
                                                state_key(state))]
    for record in records:
        assert (record.decode() if isinstance(record, bytes) else record).startswith(SEALED)
        assert json.loads(opened(KEY_A, record))
        assert opened(KEY_B, record) is None


def raw_live_record(app, session_id):
    """The live record's stored ciphertext, as the backend returns it."""
    with app.app_context():
        return widget_sessions().backend.get(live_key(session_id))


def test_rotation_old_keys_still_read_and_the_next_write_uses_the_first(tmp_path, store_config):
    under_a = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_A, **store_config)
    with under_a.app_context():
        session_id = widget_sessions().create({"expires_at_ts": time.time() + 60, "n": 1})

    rotated = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}", **store_config)
    with rotated.app_context():
        assert widget_sessions().load(session_id)["n"] == 1
        assert opened(KEY_A, raw_live_record(rotated, session_id))  # not rewritten by a read
        with widget_sessions().transaction(session_id) as data:
            data["n"] = 2
    rewritten = raw_live_record(rotated, session_id)
    assert json.loads(opened(KEY_B, rewritten))["n"] == 2
    assert opened(KEY_A, rewritten) is None

    only_b = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_B, **store_config)
    with only_b.app_context():
        assert widget_sessions().load(session_id)["n"] == 2


def test_a_session_sealed_with_fernet_before_still_opens_with_its_events(tmp_path,
                                                                          store_config):
    """Records and events written by the release that sealed them with Fernet."""
    app = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}", **store_config)
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": time.time() + 60, "n": 1})
        record = {"expires_at_ts": time.time() + 60, "n": 7}
        event = {"event_id": "ev_00000003_0123456789abcdef", "name": "SEARCH_PROVIDER"}
        store.backend.write(
            [(live_key(session_id), Fernet(KEY_A).encrypt(json.dumps(record).encode()).decode(),
              60)],
            appends=[(events_key(session_id),
                      ["3:" + Fernet(KEY_A).encrypt(json.dumps(event).encode()).decode()], 60,
                      500)])
        data = store.load(session_id)
        assert data["n"] == 7
        assert [e["event_id"] for e in store.events(session_id, data)] == [event["event_id"]]


def test_a_record_no_key_opens_reads_as_missing(tmp_path, store_config):
    app = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_A, **store_config)
    with app.app_context():
        session_id = widget_sessions().create({"expires_at_ts": time.time() + 60})
        widget_sessions().bank_states.bind("t" * 43, session_id, time.time() + 60)
    other = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_C, **store_config)
    with other.app_context():
        store = widget_sessions()
        assert store.load(session_id) is None
        assert store.peek_expired(session_id) is None
        assert store.bank_states.record("t" * 43) is None
        with store.transaction(session_id) as data:
            assert data is None


def test_a_tampered_record_reads_as_missing(tmp_path, store_config):
    app = make_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_A, **store_config)
    with app.app_context():
        store = widget_sessions()
        session_id = store.create({"expires_at_ts": time.time() + 60})
        sealed = store.backend.get(live_key(session_id))
        sealed = sealed.decode() if isinstance(sealed, bytes) else sealed
        flipped = sealed[:40] + ("A" if sealed[40] != "A" else "B") + sealed[41:]
        store.backend.write([(live_key(session_id), flipped, 60)])
        assert store.load(session_id) is None


def test_a_session_under_an_unknown_key_shows_the_missing_screen(tmp_path):
    app, server = build_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_A)
    server.start()
    app.live_url = server.url
    try:
        user = sandbox_user(app, accept_terms=True)
        session_id = create_session(app.test_client(), user).get_json()["session_id"]
    finally:
        server.stop()
    other, unused = build_app(tmp_path, SESSION_ENCRYPTION_KEYS=KEY_C)
    unused.stop()  # never started
    client = other.test_client()
    page = client.get("/widget/add_connection", query_string={"session_id": session_id})
    assert page.status_code == 404 and 'data-screen="session_missing"' in page.get_data(True)
    page = client.post("/widget/add_connection/credentials", data={"session_id": session_id})
    assert page.status_code == 404


def test_with_the_sandbox_and_no_keys_every_worker_derives_the_same_key(tmp_path):
    """The demo's one command: workers share the instance's SECRET_KEY, hence the derived key."""
    def worker():
        return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance")})

    one, two = worker(), worker()
    assert one.config["SANDBOX"] and not one.config["SESSION_ENCRYPTION_KEYS"]
    with one.app_context():
        session_id = widget_sessions().create({"expires_at_ts": time.time() + 60, "n": 1})
        sealed = widget_sessions().backend.get(live_key(session_id))
    with two.app_context():
        assert widget_sessions().load(session_id)["n"] == 1
    assert opened(derived_key(one.config["SECRET_KEY"]), sealed)
    assert opened(derived_key("another secret"), sealed) is None


def test_without_the_sandbox_the_app_refuses_to_start_without_keys(tmp_path):
    with pytest.raises(SettingError, match="^SESSION_ENCRYPTION_KEYS: required"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t",
                    "SANDBOX": False, "API_BASE_URL": "https://api.example.com",
                    "AUTH_BASE_URL": "https://auth.example.com",
                    "PUBLIC_BASE_URL": "https://widget.example.com"})
