"""Signed webhooks (issue 13, part 2), to a real HTTP receiver: from a thread of the web process
on the filesystem store, from a real `rq` worker process on the real Redis."""
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time

import pytest
import redis
import requests
from rq import Queue

from tests.client_backend import CLIENT
from tests.credential_bursts import at_the_credential_form
from tests.procfile_server import CLEAN_ENV, ROOT, ProcfileServer
from tests.session_stores import REDIS_URL, make_app, redis_available
from tests.waiting_screen import new_user
from tests.webhook_receiver import Receiver
from widget.config import settle_settings
from widget.events import track
from widget.setting_values import SettingError
from widget.store import widget_sessions
from widget.store_keys import stored_name
from widget.webhooks.delivery import Delivery
from widget.webhooks.queue import LOCK_PREFIX, QUEUE, SessionOutbox, outbox_key
from widget.webhooks.signing import signature, verified

SECRET = "whsec_" + "k" * 40
KEYS = "Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w="


def clients(url, secret=SECRET):
    return {"c": {"redirect_urls": ["https://client.example"], "webhook_url": url,
                  "webhook_secret": secret}}


def tracked_session(store, names, state=None):
    session_id = store.create({"expires_at_ts": time.time() + 600, "client_id": "c",
                               "options": {}})
    for name in names:
        with store.transaction(session_id) as data:
            extra = {"result": "success", "state": state} if name == "SESSION_FINISHED" else {}
            track(data, session_id, name, "add_connection", **extra)
    return session_id


def test_a_signature_verifies_with_its_secret_only_and_only_for_five_minutes():
    body = b'{"event_id":"ev_00000001_9f2c4e1a0b7d3e55"}'
    now = int(time.time())
    assert verified(SECRET, signature(SECRET, body, now), body)
    assert not verified("another secret of thirty-two characters", signature(SECRET, body, now),
                        body)
    assert not verified(SECRET, signature(SECRET, body, now), body + b" ")
    assert not verified(SECRET, signature(SECRET, body, now - 301), body)
    for header in ("", "t=x,v1=00", "v1=" + "0" * 64, "t=%d" % now):
        assert not verified(SECRET, header, body)


@pytest.mark.parametrize("entry, problem", [
    ({"webhook_url": "https://hooks.example/in"}, "go together"),
    ({"webhook_url": "http://hooks.example/in", "webhook_secret": SECRET}, "must be https"),
    ({"webhook_url": "ftp://hooks.example/in", "webhook_secret": SECRET}, "http"),
    ({"webhook_url": "https://hooks.example/in?token=1", "webhook_secret": SECRET}, "query"),
    ({"webhook_url": "https://hooks.example/in", "webhook_secret": "short"}, "32 characters"),
    ({"webhook_url": 7, "webhook_secret": SECRET}, "must be a URL"),
])
def test_a_bad_webhook_entry_is_named_at_start_up(entry, problem):
    with pytest.raises(SettingError) as refused:
        settle_settings({"SANDBOX": True, "WIDGET_CLIENTS": {"c": entry}, "SANDBOX_FAULTS": {}})
    assert "WIDGET_CLIENTS" in str(refused.value) and problem in str(refused.value)
    assert "'c'" in str(refused.value)
    assert str(entry.get("webhook_secret")) not in str(refused.value)  # a secret is not echoed


def test_http_on_loopback_is_accepted():
    config = {"SANDBOX": True, "SANDBOX_FAULTS": {},
              "WIDGET_CLIENTS": clients("http://localhost:8080/hooks")}
    settle_settings(config)


def check_deliveries(accepted, session_id, names):
    assert [body["name"] for body in accepted] == names  # each once, in order
    assert all(body["widget_session_id"] == session_id for body in accepted)
    assert [int(body["event_id"][3:11]) for body in accepted] == list(range(1, len(names) + 1))
    assert set(accepted[0]) == {"event_id", "name", "date", "widget", "data",
                                "widget_session_id"}


def test_the_thread_retries_in_order_until_accepted(tmp_path):
    receiver = Receiver(SECRET, ["fail", "fail", "slow"]).start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS=clients(receiver.url),
                       WEBHOOK_RETRY_BASE_SECONDS=0.05, WEBHOOK_TIMEOUT_SECONDS=1)
        names = ["OPEN", "SELECT_PROVIDER", "SESSION_FINISHED"]
        with app.app_context():
            session_id = tracked_session(widget_sessions(), names, state="st-1")
        accepted = receiver.wait_for(len(names))
        check_deliveries(accepted, session_id, names)
        assert accepted[-1]["data"] == {"result": "success", "state": "st-1"}
        # Twice refused, once too slow (a timeout), then the first event, and no other before it.
        assert [(answer, event_id) for answer, event_id, *_ in receiver.received[:4]] == \
            [(answer, accepted[0]["event_id"]) for answer in ("fail", "fail", "slow", "ok")]
        assert all(content == "application/json" for *_, content in receiver.received)
    finally:
        receiver.stop()


def test_a_failed_request_delivers_nothing(tmp_path):
    receiver = Receiver(SECRET).start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS=clients(receiver.url))
        with app.app_context():
            store = widget_sessions()
            session_id = tracked_session(store, ["OPEN"])
            with pytest.raises(RuntimeError):
                with store.transaction(session_id) as data:
                    track(data, session_id, "SELECT_PROVIDER", "add_connection")
                    raise RuntimeError("the view failed")
            with store.transaction(session_id) as data:
                track(data, session_id, "SEARCH_PROVIDER", "add_connection")
        receiver.wait_for(2)
        # The thread takes a delivery off its queue once it has read the receiver's answer,
        # a moment after the receiver has the body: nothing else is to be queued.
        deliveries, deadline = app.extensions["webhook_thread"], time.monotonic() + 30
        while deliveries.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert deliveries.pending() == 0
        assert [body["name"] for body in receiver.accepted()] == ["OPEN", "SEARCH_PROVIDER"]
    finally:
        receiver.stop()


def test_a_wrong_secret_fails_verification_and_is_retried(tmp_path):
    receiver = Receiver("the receiver's own secret, not the client's one").start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS=clients(receiver.url),
                       WEBHOOK_RETRY_BASE_SECONDS=0.05)
        with app.app_context():
            tracked_session(widget_sessions(), ["OPEN"])
        deadline = time.monotonic() + 30
        while len(receiver.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(receiver.received) >= 2 and not any(good for *_, good, _ in receiver.received)
        assert receiver.accepted() == []
    finally:
        receiver.stop()


def test_delivery_logs_name_no_secret_and_no_session_id(tmp_path, caplog):
    caplog.set_level(logging.INFO, "passerelle.webhooks")
    receiver = Receiver(SECRET, ["fail"]).start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS=clients(receiver.url),
                       WEBHOOK_RETRY_BASE_SECONDS=0.05)
        with app.app_context():
            session_id = tracked_session(widget_sessions(), ["OPEN"])
        receiver.wait_for(1)
        time.sleep(0.2)  # the log line of the accepted attempt follows the answer
    finally:
        receiver.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "passerelle.webhooks"]
    assert any("refused" in line for line in lines) and any("delivered" in line for line in lines)
    assert not any(session_id in line or SECRET in line or "v1=" in line for line in lines)


def worker_line():
    with open(os.path.join(ROOT, "Procfile"), encoding="utf-8") as fh:
        return next(line for line in fh if line.startswith("worker:"))[7:].strip()


def worker(tmp_path, receiver_url):
    env = {**CLEAN_ENV, "SANDBOX": "0", "REDIS_URL": REDIS_URL, "SECRET_KEY": "t",
           "SESSION_ENCRYPTION_KEYS": KEYS, "API_BASE_URL": "http://127.0.0.1:9/api",
           "AUTH_BASE_URL": "http://127.0.0.1:9/auth", "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
           "INSTANCE_PATH": str(tmp_path), "WIDGET_CLIENTS": json.dumps(clients(receiver_url)),
           "WEBHOOK_RETRY_BASE_SECONDS": "0.2", "WEBHOOK_TIMEOUT_SECONDS": "1"}
    assert worker_line() == "python -m widget.webhooks.worker"
    return subprocess.Popen([sys.executable, "-m", "widget.webhooks.worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(process, kill=False):
    """Stop an RQ worker as its platform would (SIGTERM, or SIGKILL), then what it forked and
    left behind: its scheduler outlived it (an orphan seen long after a CI run), and is ended
    with SIGTERM, which releases its lock in Redis (killed, the lock would keep the next
    worker's scheduler out for a minute, and retries unscheduled)."""
    if kill:
        process.kill()
    else:
        process.terminate()
    process.wait(30)
    deadline = time.monotonic() + 10
    with contextlib.suppress(ProcessLookupError):  # none left
        os.killpg(process.pid, signal.SIGTERM)
        while time.monotonic() < deadline:
            os.killpg(process.pid, 0)
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.redis
def test_a_real_rq_worker_delivers_through_failures_timeouts_and_restarts(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    receiver = Receiver(SECRET, ["fail", "fail", "slow"]).start()
    app = make_app(tmp_path, REDIS_URL=REDIS_URL, WIDGET_CLIENTS=clients(receiver.url))
    names = ["OPEN", "SELECT_PROVIDER", "SESSION_FINISHED"]
    with one_worker_at_a_time():
        phases(tmp_path, receiver, app, names)


def one_worker_at_a_time():
    """The tests' workers share one queue: two at once would take each other's jobs."""
    return redis.Redis.from_url(REDIS_URL).lock("tests-webhook-worker", timeout=600,
                                                 blocking_timeout=600)


def phases(tmp_path, receiver, app, names):
    process = None
    try:
        with app.app_context():
            # Saved while no worker runs: the jobs wait in Redis for one to start.
            first = tracked_session(widget_sessions(), names)
        process = worker(tmp_path, receiver.url)
        check_deliveries(receiver.wait_for(3), first, names)
        assert [answer for answer, *_ in receiver.received[:4]] == ["fail", "fail", "slow", "ok"]
        # The receiver goes down, events come, the worker restarts, the receiver comes back.
        port = receiver.server.server_address[1]
        receiver.stop()
        with app.app_context():
            second = tracked_session(widget_sessions(), names)
        time.sleep(1)  # attempts fail against the closed port meanwhile
        stop(process)
        process = worker(tmp_path, receiver.url)
        receiver = Receiver(SECRET, port=port).start()  # back, at the same address
        check_deliveries(receiver.wait_for(3), second, names)
        # A worker killed mid-job takes the job with it: the next one finds the outbox anyway.
        stop(process, kill=True)
        with app.app_context():
            third = tracked_session(widget_sessions(), names)
        Queue(QUEUE, connection=redis.Redis.from_url(REDIS_URL)).empty()
        receiver.received.clear()
        process = worker(tmp_path, receiver.url)
        check_deliveries(receiver.wait_for(3), third, names)
    finally:
        if process is not None:
            stop(process)
        receiver.stop()


def test_the_readme_s_verification_snippet_verifies_a_real_delivery(tmp_path):
    """An integrator copies it: it must accept what the service sends, and nothing else."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    section = readme.split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(snippet.strip().splitlines()) <= 12
    namespace = {}
    exec(snippet, namespace)  # noqa: S102  the README's own code, under test
    readme_verified = namespace["verified"]
    receiver = Receiver(SECRET).start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS=clients(receiver.url))
        with app.app_context():
            tracked_session(widget_sessions(), ["OPEN"])
        body = json.dumps(receiver.wait_for(1)[0], separators=(",", ":")).encode()
    finally:
        receiver.stop()
    now = int(time.time())
    assert readme_verified(SECRET, signature(SECRET, body, now), body)
    assert not readme_verified("x" * 32, signature(SECRET, body, now), body)
    assert not readme_verified(SECRET, signature(SECRET, body, now - 301), body)
    assert not readme_verified(SECRET, "", body)
    assert not readme_verified(SECRET, "t=abc,v1=00", body)


def test_the_ending_of_a_session_whose_token_was_refused_is_still_delivered(tmp_path):
    """The session ends in that request (its events go with it): its webhooks do not."""
    receiver = Receiver(SECRET).start()
    try:
        app = make_app(tmp_path, WIDGET_CLIENTS=clients(receiver.url))
        with app.app_context():
            store = widget_sessions()
            session_id = tracked_session(store, ["OPEN"])
            with store.transaction(session_id) as data:
                data["expires_at_ts"] = time.time()
                track(data, session_id, "SESSION_FINISHED", "add_connection", result="expired")
            assert store.load(session_id) is None
        accepted = receiver.wait_for(2)
        assert [(body["name"], body["data"]) for body in accepted] == \
            [("OPEN", {}), ("SESSION_FINISHED", {"result": "expired"})]
    finally:
        receiver.stop()


@pytest.mark.redis
def test_the_redis_outbox_is_sealed_and_saved_with_the_events(tmp_path):
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    # Nobody listens there: the job this enqueues fails fast, whichever test's worker takes it.
    app = make_app(tmp_path, REDIS_URL=REDIS_URL, WIDGET_CLIENTS=clients("http://127.0.0.1:9/"))
    with app.app_context():
        store = widget_sessions()
        session_id = tracked_session(store, ["OPEN", "SELECT_PROVIDER"])
        with pytest.raises(RuntimeError):
            with store.transaction(session_id) as data:
                track(data, session_id, "SEARCH_PROVIDER", "add_connection")
                raise RuntimeError("the view failed")
        key = outbox_key(stored_name(session_id))
        sealed = store.backend.client.lrange(key, 0, -1)
        store.backend.client.delete(key)
    assert len(sealed) == 2  # not the failed request's
    assert not any(session_id.encode() in value or b"OPEN" in value for value in sealed)
    opened = [Delivery.opened(store.cipher, value) for value in sealed]
    assert [json.loads(d.body)["name"] for d in opened] == ["OPEN", "SELECT_PROVIDER"]


@pytest.mark.redis
def test_the_procfile_s_web_and_worker_deliver_a_widget_run_to_the_playground(tmp_path):
    """The path a deployment takes: both Procfile lines, Redis, the sandbox's demo client."""
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    settings = {"REDIS_URL": REDIS_URL, "SECRET_KEY": "procfile-webhooks",
                "INSTANCE_PATH": str(tmp_path / "instance"), "WEB_CONCURRENCY": "1",
                "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    with one_worker_at_a_time(), ProcfileServer(ROOT, **settings) as web:
        env = {k: v for k, v in web.env.items() if k != "GUNICORN_CMD_ARGS"}
        worker_process = subprocess.Popen(["sh", "-c", "exec " + worker_line()], cwd=ROOT, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True)
        try:
            with requests.Session() as http:
                tokens = new_user(web.url, http)
                session_id, form = at_the_credential_form(web.url, http, tokens)
                http.post(web.url + "/widget/cancel", data=form, timeout=30)
                events = http.get(web.url + "/widget_session/%s/events" % session_id,
                                  auth=CLIENT, timeout=30).json()
            assert events[-1]["name"] == "SESSION_FINISHED"
            assert events[-1]["data"]["result"] == "cancelled"
            kept = redis.Redis.from_url(REDIS_URL)
            key = "playground-webhooks:" + stored_name(session_id)
            deadline = time.monotonic() + 60
            while kept.llen(key) < len(events) and time.monotonic() < deadline:
                time.sleep(0.1)
            received = [json.loads(value) for value in kept.lrange(key, 0, -1)]
            assert [r["event_id"] for r in received] == [e["event_id"] for e in events]
        finally:
            stop(worker_process)
        assert "Traceback" not in web.log()


@pytest.mark.redis
def test_a_job_whose_lock_another_job_took_over_neither_delivers_nor_frees_it(tmp_path):
    """Its lock expired (a stalled worker) and another job holds it now: the stalled job must not
    send, remove from the outbox, or release the other's lock."""
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    receiver = Receiver(SECRET).start()
    app = make_app(tmp_path, REDIS_URL=REDIS_URL, WIDGET_CLIENTS=clients(receiver.url))
    try:
        with app.app_context():
            store = widget_sessions()
            session_id = tracked_session(store, ["OPEN"])
            key = stored_name(session_id)
            client = store.backend.client
            stalled = SessionOutbox(client, key, store.cipher,
                                    app.extensions["webhook_secret_for"], app.config)
            client.set(LOCK_PREFIX + key, "another-job", px=60_000)
            stalled._deliver_while_accepted()
            stalled._unlock()
            assert client.get(LOCK_PREFIX + key) == b"another-job"
            assert client.llen(outbox_key(key)) == 1
            client.delete(LOCK_PREFIX + key, outbox_key(key))
    finally:
        receiver.stop()
    assert receiver.received == []
