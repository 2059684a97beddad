"""The Redis store: any number of processes on any number of machines share sessions and locks.

Every key is written with a TTL (records, the bank state index, locks), so Redis removes what
has expired by itself and there is nothing to sweep.
"""
import contextlib
import math

import redis

from widget.store import SessionBusy, StoreUnavailable

LOCK_TIMEOUT_SECONDS = 60
LOCK_WAIT_SECONDS = 30


@contextlib.contextmanager
def reachable():
    """Redis errors (down, timing out, out of memory, read-only) become StoreUnavailable."""
    try:
        yield
    except redis.RedisError as exc:
        raise StoreUnavailable("Redis: %s" % exc) from exc


class RedisBackend:
    def __init__(self, client):
        self.client = client

    def get(self, key):
        with reachable():
            return self.client.get(key)

    def exists(self, key):
        with reachable():
            return bool(self.client.exists(key))

    def write(self, records, deletes=()):
        with reachable():
            pipe = self.client.pipeline(transaction=True)  # both records change together
            for key, value, ttl in records:
                pipe.set(key, value, px=math.ceil(ttl * 1000))
            if deletes:
                pipe.delete(*deletes)
            pipe.execute()

    def delete(self, *keys):
        with reachable():
            self.client.delete(*keys)

    def ping(self):
        with reachable():
            self.client.ping()

    def sweep_if_due(self):
        return False  # Redis expires keys itself

    @contextlib.contextmanager
    def lock(self, session_id):
        """A Redis lock, so that processes on any number of machines share it."""
        redis_lock = self.client.lock("widget-lock:" + session_id, timeout=LOCK_TIMEOUT_SECONDS,
                                      blocking_timeout=LOCK_WAIT_SECONDS)
        with reachable():
            acquired = redis_lock.acquire()
        if not acquired:
            raise SessionBusy()  # no id: a traceback is logged
        try:
            yield
        finally:
            # Expired under us, or Redis went away: the lock's own timeout frees it.
            with contextlib.suppress(redis.RedisError):
                redis_lock.release()
