"""The Redis store: any number of processes on any number of machines share sessions and locks.

Every key is written with a TTL (records, the bank state index, locks), so Redis removes what
has expired by itself and there is nothing to sweep.
"""
import contextlib
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import redis

from widget.session_lock_redis import Append, HeldLock, LockLost, Record, RedisSessionLocks
from widget.store import SessionBusy, StoreUnavailable


def redis_client(config: Mapping[str, Any]) -> "redis.Redis":
    """The client for `REDIS_URL`; with `REDIS_TLS_VERIFY` off, a rediss:// server's certificate
    is not checked (Heroku Redis serves a self-signed one; the link stays encrypted)."""
    options: dict[str, Any] = {}
    if config["REDIS_URL"].startswith("rediss://") and not config.get("REDIS_TLS_VERIFY", True):
        options["ssl_cert_reqs"] = None
    return redis.Redis.from_url(config["REDIS_URL"], **options)


@contextlib.contextmanager
def reachable() -> Iterator[None]:
    """Redis errors (down, timing out, out of memory, read-only) become StoreUnavailable."""
    try:
        yield
    except redis.RedisError as exc:
        raise StoreUnavailable("Redis: %s" % exc) from exc


class RedisBackend:
    def __init__(self, client: "redis.Redis", lock_seconds: float = 10,
                 lock_wait_seconds: float = 2) -> None:
        self.client = client
        self.locks = RedisSessionLocks(client, lock_seconds, lock_wait_seconds)

    def get(self, key: str) -> bytes | None:
        with reachable():
            return self.client.get(key)  # type: ignore[return-value]  # bytes: no decode_responses

    def exists(self, key: str) -> bool:
        with reachable():
            return bool(self.client.exists(key))

    def write(self, records: Sequence[Record], deletes: Iterable[str] = (),
              fence: HeldLock | None = None, appends: Sequence[Append] = ()) -> None:
        """Write `records`, add to the lists of `appends` and delete `deletes` together; under
        `fence` (a held lock), only while that lock is still held (SessionBusy otherwise,
        nothing written)."""
        if fence is not None:
            with reachable():
                try:
                    return self.locks.write(fence, records, deletes, appends)
                except LockLost:
                    raise SessionBusy() from None
        with reachable():
            pipe = self.client.pipeline(transaction=True)  # all of it changes together
            for key, value, ttl in records:
                pipe.set(key, value, px=math.ceil(ttl * 1000))
            for key, values, ttl, most in appends:
                pipe.rpush(key, *values)
                pipe.ltrim(key, -most, -1)
                pipe.pexpire(key, max(1, math.ceil(ttl * 1000)))
            if deletes:
                pipe.delete(*deletes)
            pipe.execute()

    def read_list(self, key: str, most: int) -> list[bytes]:
        """The last `most` values of the list `key`, oldest first."""
        with reachable():
            return self.client.lrange(key, -most, -1)  # type: ignore[return-value]

    def hold_list(self, key: str, wait: float | None = None) -> None:
        """None: Redis holds no list (see `append_unlocked`)."""
        return None

    def append_unlocked(self, session_id: str, live: str, newest: bytes,
                        appends: Sequence[Append]) -> bool:
        """Add a request's events (the first of `appends`) and their deliveries without the
        session's lock, only while no request holds it, the record `live` is there, and the
        events list's newest value is `newest`, which the request numbered them after: False,
        nothing written, otherwise."""
        with reachable():
            return self.locks.append_unlocked(session_id, live, newest, appends)

    def delete(self, *keys: str) -> None:
        with reachable():
            self.client.delete(*keys)

    def ping(self) -> None:
        with reachable():
            self.client.ping()

    def sweep_if_due(self) -> bool:
        return False  # Redis expires keys itself

    @contextlib.contextmanager
    def lock(self, session_id: str, wait: float | None = None) -> Iterator[HeldLock]:
        """Hold the session's lock (renewed while held), yielding the fence for `write`;
        SessionBusy when another request keeps it longer than `wait` seconds."""
        with reachable():
            held = self.locks.acquire(session_id, wait)
        if held is None:
            raise SessionBusy()
        try:
            yield held
        finally:
            # Redis went away: the lock's own time to live frees it.
            with contextlib.suppress(redis.RedisError):
                self.locks.release(held)
