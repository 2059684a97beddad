"""A session's lock in Redis that holds for as long as its holder lives, with fenced writes.

The lock is one key holding a random token, set with a short time to live so that a process
that dies holding it frees it soon. While a request holds it, a keeper thread of its process
renews that time to live, so no upstream call, however slow, outlasts the lock. Should the
holder still lose it (a process frozen past the time to live, Redis failing over), its writes
are fenced: they go through a script that writes only while the key still holds the holder's
token, so a late holder changes nothing.
"""
import logging
import math
import os
import secrets
import threading
import time
import weakref
from collections.abc import Iterable, Sequence

import redis

LOCK_PREFIX = "widget-lock:"
# (key, value, time to live in seconds) of one record to write.
Record = tuple[str, bytes | str, float]
# (key, values, time to live in seconds, most values kept) of one list to add to.
Append = tuple[str, Sequence[bytes | str], float, int]

# Renew the lock's time to live if it is still ours.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
# Release the lock only if it is still ours: a lock taken over by another holder stays theirs.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
# KEYS: the lock, the records to set, then the records to delete.
# ARGV: the token, how many records to set, then each record's value and milliseconds to live.
_FENCED_WRITE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then
  return 0
end
local sets, appends = tonumber(ARGV[2]), tonumber(ARGV[3])
local arg = 4
for i = 1, sets do
  redis.call('set', KEYS[1 + i], ARGV[arg], 'PX', ARGV[arg + 1])
  arg = arg + 2
end
for i = 1, appends do
  local key, px, most, count = KEYS[1 + sets + i], ARGV[arg], ARGV[arg + 1], ARGV[arg + 2]
  arg = arg + 3
  for _ = 1, count do
    redis.call('rpush', key, ARGV[arg])
    arg = arg + 1
  end
  redis.call('ltrim', key, -most, -1)
  redis.call('pexpire', key, px)
end
for i = 2 + sets + appends, #KEYS do
  redis.call('del', KEYS[i])
end
return 1
"""


# A request without the lock appends its events (and their webhook deliveries) only if no request
# holds the lock, the session's record is there (not ended, not expired), and the list's newest
# value is still the one it numbered them after.
# KEYS: the lock, the record, the events list, then the other lists. ARGV: the newest value read
# ("" for none), then each list's milliseconds to live, bound, count and values.
_UNLOCKED_APPEND = """
if redis.call('exists', KEYS[1]) == 1 or redis.call('exists', KEYS[2]) == 0 then
  return 0
end
if (redis.call('lindex', KEYS[3], -1) or '') ~= ARGV[1] then
  return 0
end
local arg = 2
for i = 3, #KEYS do
  local px, most, count = ARGV[arg], ARGV[arg + 1], tonumber(ARGV[arg + 2])
  arg = arg + 3
  for _ = 1, count do
    redis.call('rpush', KEYS[i], ARGV[arg])
    arg = arg + 1
  end
  redis.call('ltrim', KEYS[i], -most, -1)
  redis.call('pexpire', KEYS[i], px)
end
return 1
"""


class LockLost(Exception):
    """The session's lock is no longer ours: another request holds it now."""


class HeldLock:
    """One request's hold on one session's lock."""

    def __init__(self, key: str, token: str) -> None:
        self.key = key
        self.token = token


class RedisSessionLocks:
    """Take, renew, release and write under the session locks of one Redis client."""

    def __init__(self, client: "redis.Redis", ttl_seconds: float, wait_seconds: float) -> None:
        self.client = client
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self.wait_seconds = wait_seconds
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._fenced_write = client.register_script(_FENCED_WRITE)
        self._unlocked_append = client.register_script(_UNLOCKED_APPEND)
        self._keeper = LockKeeper(self)

    def acquire(self, session_id: str, wait: float | None = None) -> HeldLock | None:
        """A HeldLock, or None when another request keeps it for longer than `wait` seconds."""
        wait = self.wait_seconds if wait is None else wait
        held = HeldLock(LOCK_PREFIX + session_id, secrets.token_hex(16))
        deadline = time.monotonic() + wait
        pause = 0.005
        while not self.client.set(held.key, held.token, nx=True, px=self.ttl_ms):
            if time.monotonic() + pause > deadline:
                return None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)  # quick for a short wait, gentle on Redis for a long one
        self._keeper.keep(held)
        return held

    def release(self, held: HeldLock) -> None:
        self._keeper.forget(held)
        self._release(keys=[held.key], args=[held.token])

    def renew(self, held: HeldLock) -> bool:
        """Push the lock's expiry back; False if it is no longer ours."""
        return bool(self._renew(keys=[held.key], args=[held.token, self.ttl_ms]))

    def write(self, held: HeldLock, records: Sequence[Record], deletes: Iterable[str] = (),
              appends: Sequence[Append] = ()) -> None:
        """Set `records` [(key, value, ttl seconds)], add to lists (`appends`, each trimmed to
        its bound) and delete `deletes`, only while we hold the lock; raise LockLost otherwise,
        having changed nothing."""
        args: list[str | bytes | int] = [held.token, len(records), len(appends)]
        for _key, value, ttl in records:
            args += [value, _ms(ttl)]
        for _key, values, ttl, most in appends:
            args += [_ms(ttl), most, len(values), *values]
        keys = [held.key] + [key for key, _value, _ttl in records] + \
            [key for key, *_rest in appends] + list(deletes)
        if not self._fenced_write(keys=keys, args=args):
            raise LockLost()

    def append_unlocked(self, session_id: str, live: str, newest: bytes,
                        appends: Sequence[Append]) -> bool:
        """Add to lists (the events list first) for a request without the session's lock,
        only if no request holds it, the record `live` is there, and the events list's newest
        value is `newest` (b"" for an empty list): False, having changed nothing, otherwise."""
        args: list[str | bytes | int] = [newest]
        for _key, values, ttl, most in appends:
            args += [_ms(ttl), most, len(values), *values]
        keys = [LOCK_PREFIX + session_id, live] + [key for key, *_rest in appends]
        return bool(self._unlocked_append(keys=keys, args=args))


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


class LockKeeper:
    """A thread per process that renews every lock its requests hold, a third of a TTL apart."""

    def __init__(self, locks: RedisSessionLocks) -> None:
        # Weak: the keeper's thread must not keep an app (and its Redis pool) alive for ever.
        self._locks = weakref.ref(locks)
        self._interval = locks.ttl_ms / 3000
        self._held: dict[int, HeldLock] = {}
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def keep(self, held: HeldLock) -> None:
        with self._guard:
            self._held[id(held)] = held
            # After a fork (gunicorn's workers), the parent's thread does not exist here.
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="session-lock-keeper",
                                                daemon=True)
                self._thread.start()

    def forget(self, held: HeldLock) -> None:
        with self._guard:
            self._held.pop(id(held), None)

    def _run(self) -> None:
        while True:
            time.sleep(self._interval)
            locks = self._locks()
            with self._guard:
                held = list(self._held.values())
                if locks is None or not held:
                    self._thread = None  # the next keep() starts another
                    return
            for one in held:
                try:
                    if not locks.renew(one):
                        self.forget(one)  # lost: the holder's fenced write will say so
                except redis.RedisError:
                    # Redis away for a moment: the next round tries again, and the fenced
                    # write refuses if the lock expired meanwhile.
                    logging.getLogger(__name__).warning("a session lock could not be renewed")
            del locks
