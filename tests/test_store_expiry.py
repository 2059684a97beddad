"""Expiry on both stores: tokens and the client secret go at expiry, the stale link still works,
and nothing is kept forever (Redis TTLs; the filesystem's sweep, its lock files included)."""
import os
import pickle
import time

import pytest
import redis

from tests.client_backend import sandbox_user
from tests.live_server import build_app
from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.widget_driver import create_session, expire_session, open_widget, returned
from widget.encryption import SEALED
from widget.store import EXPIRED_GRACE_SECONDS, widget_sessions
from widget.store_files import key_of
from widget.store_keys import live_key, stale_key, state_key, stored_name


def wait_until(timestamp):
    while time.time() <= timestamp:
        time.sleep(0.05)


def raw_redis_values():
    """Every string value in the test database, as bytes."""
    raw = redis.Redis.from_url(REDIS_URL)
    for key in raw.scan_iter(count=1000):
        try:
            value = raw.get(key)
        except redis.ResponseError:  # not a string: none of ours
            continue
        if value is not None:
            yield key, value


def raw_files(folder):
    for root, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as fh:
                yield os.path.join(root, name), fh.read()


def opened(app, value):
    """A raw record as the store reads it: its sealed text opened with the app's keys."""
    # A file: cachelib's 4-byte expiry, then the pickle.
    if not value.startswith((SEALED.encode(), b"gAAAAA")):
        try:
            value = pickle.loads(value[4:]).encode()
        except Exception:  # a lock file, the sweep's marker
            return value
    text = app.extensions["widget_sessions"].cipher.open(value)
    return text.encode() if text is not None else value


def secrets_in_store(app, w, secrets):
    """The raw records (Redis keys, or files) in which one of the session's `secrets` appears.

    Other sessions share the demo client's secret (in Redis, other tests' too): it is looked for
    in this session's records; the session's tokens and CSRF token, unique, everywhere.
    """
    if app.config.get("REDIS_URL"):
        raw = ((key.decode(), value) for key, value in raw_redis_values())
    else:
        raw = ((key_of(os.path.basename(path)) or path, value)
               for path, value in raw_files(os.path.join(app.instance_path, "sessions")))
    shared = [s.encode() for s in secrets if s == "demo-secret"]
    unique = [s.encode() for s in secrets if s != "demo-secret"]
    raw = ((name, opened(app, value)) for name, value in raw)
    return [name for name, value in raw
            if any(s in value for s in unique) or (w.session_id in name and any(s in value for s in shared))]


@pytest.fixture(params=["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request):
    if request.param == "redis" and not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    return request.param


@pytest.fixture
def short_app(tmp_path, backend):
    """The app and its sandbox, on the backend under test."""
    app, server = build_app(tmp_path, **({"REDIS_URL": REDIS_URL} if backend == "redis" else {}))
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


def started_session(app):
    """A widget session whose add_connection run has begun; (driver, its secrets)."""
    client = app.test_client()
    user = sandbox_user(app, accept_terms=True)
    w, page = open_widget(client, user, provider_id="web", locale="en")
    assert page.status_code == 200
    secrets = [user["access_token"], user["refresh_token"], "demo-secret", w.csrf]
    assert secrets_in_store(app, w, secrets), "the live session holds them"
    return w, secrets


def expiring_in_a_second(app, session_id):
    """Its lifetime now ends in a second, and the store is left to let it run out."""
    with app.app_context(), widget_sessions().transaction(session_id) as data:
        data["expires_at_ts"] = time.time() + 1
        return data["expires_at_ts"]


def make_sweep_due(app):
    marker = os.path.join(app.instance_path, "sessions", "sweep.lock")
    with open(marker, "w") as fh:
        fh.write("0")
    os.utime(marker, (0, 0))


def test_tokens_and_secret_go_at_expiry_and_the_stale_link_still_answers(short_app, backend):
    w, secrets = started_session(short_app)
    expires_at = expiring_in_a_second(short_app, w.session_id)
    if backend == "redis":
        wait_until(expires_at)  # Redis expires keys to the millisecond
    else:
        # No read and no cron: the next session's creation sweeps (cachelib counts whole seconds).
        wait_until(expires_at + 2)
        make_sweep_due(short_app)
        user = sandbox_user(short_app, accept_terms=True)
        assert create_session(short_app.test_client(), user).status_code == 201
    assert secrets_in_store(short_app, w, secrets) == []

    stale = w.get("/widget/add_connection")
    assert stale.status_code == 303
    back = returned(stale)
    assert back["result"] == "expired" and back["widget"] == "add_connection"
    assert secrets_in_store(short_app, w, secrets) == []


@pytest.mark.parametrize("later", [0, 2.1], ids=["at expiry", "past the file's own expiry"])
def test_a_stale_link_opened_at_expiry_removes_the_tokens_at_once(short_app, backend, later):
    """Past the session's expiry, and (on the filesystem) past the record file's own expiry,
    which cachelib keeps in whole seconds, one second or two later: either read removes it."""
    w, secrets = started_session(short_app)
    wait_until(expiring_in_a_second(short_app, w.session_id) + later)
    assert returned(w.get("/widget/add_connection"))["result"] == "expired"
    assert secrets_in_store(short_app, w, secrets) == []


def test_an_ended_session_keeps_only_what_its_link_needs(short_app, backend):
    w, secrets = started_session(short_app)
    expire_session(short_app, w.session_id)
    assert secrets_in_store(short_app, w, secrets) == []
    with short_app.app_context():
        kept = widget_sessions().peek_expired(w.session_id)
    assert set(kept) <= {"client_id", "options", "run", "expires_at_ts", "ended"}
    assert set(kept["run"]) <= {"widget", "options", "locale", "connection_id"}
    assert kept["run"]["widget"] == "add_connection" and kept["run"]["locale"] == "en"
    assert returned(w.get("/widget/add_connection"))["result"] == "expired"


@pytest.mark.redis
def test_every_redis_key_of_a_session_expires(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    raw = redis.Redis.from_url(REDIS_URL)
    app = make_app(tmp_path, REDIS_URL=REDIS_URL)
    with app.app_context():
        store = widget_sessions()
        expires_at = time.time() + 600
        sid = store.create({"expires_at_ts": expires_at, "client_id": "c", "options": {},
                            "token": {"access_token": "a"}})
        state = store.new_id()
        with store.transaction(sid) as data:
            data["n"] = 1
            store.bank_states.bind(state, sid, expires_at)
            assert 0 < raw.pttl("widget-lock:" + stored_name(sid)) <= 60_000
        assert not list(raw.scan_iter(match="*" + sid + "*"))  # no key names the id
        assert not list(raw.scan_iter(match="*" + state + "*"))
        names = ("*" + stored_name(sid) + "*", "*" + stored_name(state))
        keys = [key for name in names for key in raw.scan_iter(match=name)]
        assert {k.decode() for k in keys} == {live_key(sid), stale_key(sid),
                                              state_key(state)}
        ttls = {k.decode().rsplit(":", 1)[0]: raw.pttl(k) / 1000 for k in keys}
        assert 590 < ttls["widget"] <= 600
        assert 590 + EXPIRED_GRACE_SECONDS < ttls["widget-stale"] <= 600 + EXPIRED_GRACE_SECONDS
        assert 590 + EXPIRED_GRACE_SECONDS < ttls["widget-bank-state"] <= 600 + EXPIRED_GRACE_SECONDS
