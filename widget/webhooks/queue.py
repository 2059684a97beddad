"""With REDIS_URL: each session's deliveries wait in a Redis list, its outbox, and RQ jobs
deliver them (worker.py runs them: `rq`'s worker with its scheduler).

The store appends to the outbox in the same script that saves the events (widget/store.py), so
a request that fails delivers nothing and one that succeeded loses nothing; then it enqueues a
job for the session. A job takes the session's delivery lock (one job at a time per session:
the order holds), delivers from the head of the outbox, and removes what was accepted. After a
failure it notes when to try again and schedules itself for then; jobs that come earlier (new
events) leave the outbox alone. Everything is in Redis: a restart of either process loses
nothing but the attempt under way, which is made again (receivers deduplicate by event_id).
"""
import json
import secrets
import time
from datetime import timedelta
from typing import Any

import redis
from rq import Queue

from widget.webhooks.delivery import Delivery, attempt, given_up, gives_up, retry_delay

QUEUE = "webhooks"
OUTBOX_PREFIX = "webhook-outbox:"
LOCK_PREFIX = "webhook-lock:"
RETRY_PREFIX = "webhook-retry:"
# Renew or release the delivery lock only while this job holds it: a GET then a PEXPIRE or DEL
# could act on the lock of the job that took it over meanwhile (ours expired in between).
_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
          "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0")
_RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('del', KEYS[1]) end return 0")
# The most deliveries an outbox keeps (the oldest go first): a receiver down for a day, with
# a session tracking an event a second, stays below it.
OUTBOX_MOST = 100_000


def outbox_key(session_key: str) -> str:
    return OUTBOX_PREFIX + session_key


def enqueue(client: "redis.Redis", session_key: str) -> None:
    Queue(QUEUE, connection=client).enqueue(deliver_session, session_key,
                                            result_ttl=0, failure_ttl=7 * 24 * 3600)


def deliver_session(session_key: str) -> None:
    """The job: deliver the session's outbox, in order, until it is empty or a delivery fails."""
    from widget.webhooks.worker import worker_app

    app = worker_app()
    SessionOutbox(app.extensions["webhook_redis"], session_key, app.extensions["widget_sessions"]
                  .cipher, app.extensions["webhook_secret_for"], app.config).drain()


class SessionOutbox:
    def __init__(self, client: "redis.Redis", session_key: str, cipher: Any,
                 secret_for: Any, config: Any) -> None:
        self.client = client
        self.key = session_key
        self.cipher = cipher
        self.secret_for = secret_for
        self.timeout = config["WEBHOOK_TIMEOUT_SECONDS"]
        self.base = config["WEBHOOK_RETRY_BASE_SECONDS"]
        # Held for one attempt at most (renewed before each): a worker that dies frees it soon.
        self.lock_ms = int((self.timeout + 30) * 1000)
        self.token = secrets.token_hex(16)

    def drain(self) -> None:
        while self._lock():
            try:
                self._deliver_while_accepted()
            finally:
                self._unlock()
            # An event added while we held the lock enqueued a job that found it taken: go on
            # for it unless a retry is due later (its scheduled job comes then).
            if not self.client.llen(outbox_key(self.key)) or self._not_before() > time.time():
                return

    def _deliver_while_accepted(self) -> None:
        while True:
            if self._not_before() > time.time():
                return  # a job is scheduled for then
            head = self.client.lindex(outbox_key(self.key), 0)
            if head is None:
                return
            delivery = Delivery.opened(self.cipher, head)
            secret = self.secret_for(delivery.client_id) if delivery else None
            if not self.client.eval(_RENEW, 1, LOCK_PREFIX + self.key, self.token, self.lock_ms):
                return  # the lock expired and another job holds it now: the outbox is its own
            accepted = delivery is not None and secret is not None and \
                attempt(delivery, secret, self.timeout)
            retry = self._retry()
            now = time.time()
            if accepted or delivery is None or gives_up(retry.get("first", now), now):
                if delivery is not None and not accepted:
                    given_up(delivery)
                self.client.lpop(outbox_key(self.key))  # only the lock's holder removes
                self.client.delete(RETRY_PREFIX + self.key)
                continue
            failures = int(retry.get("failures", 0)) + 1
            delay = retry_delay(failures, self.base)
            self.client.set(RETRY_PREFIX + self.key, json.dumps(
                {"failures": failures, "first": retry.get("first", now), "not_before": now + delay}),
                ex=int(delay) + 25 * 3600)
            Queue(QUEUE, connection=self.client).enqueue_in(
                timedelta(seconds=delay), deliver_session, self.key, result_ttl=0,
                failure_ttl=7 * 24 * 3600)
            return

    def _retry(self) -> dict[str, float]:
        raw = self.client.get(RETRY_PREFIX + self.key)
        return json.loads(raw) if raw else {}

    def _not_before(self) -> float:
        return self._retry().get("not_before", 0)

    def _lock(self) -> bool:
        return bool(self.client.set(LOCK_PREFIX + self.key, self.token, nx=True, px=self.lock_ms))

    def _unlock(self) -> None:
        self.client.eval(_RELEASE, 1, LOCK_PREFIX + self.key, self.token)
