"""The filesystem store: cachelib's FileSystemCache under the instance folder, a flock per session.

For one machine (one or many processes). Nothing runs on a schedule, so session creation sweeps
now and then (`sweep_if_due`): expired records go, and so do the lock files of sessions that
are gone.
"""
import contextlib
import logging
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from widget.file_locks import open_locked
from widget.file_locks import is_current as _is_current
from widget.file_locks import try_flock as _try_flock
from widget.store import SessionBusy, StoreUnavailable
from widget.store_backend import Append, Record
from widget.store_file_lists import FileLists, HeldList
from widget.store_record_files import RecordFiles

SWEEP_EVERY_SECONDS = 180
# Files in the folder that hold no record (cachelib's temporary files, left by a crash mid-write,
# or a ping's probe) are removed once this old.
ORPHAN_SECONDS = 600


class KeyAsName:
    """A `hash_method` for cachelib that names a record's file by its key in hex.

    cachelib names each file `hash_method(key).hexdigest()`: with a reversible name, the sweep
    knows the key of every file and asks cachelib (`has`, `delete`) whether it has expired.
    """

    def __init__(self, data: bytes = b"") -> None:
        self.data = data

    def hexdigest(self) -> str:
        return self.data.hex()


def key_of(filename: str) -> str | None:
    """The key a record's file holds, or None for any other file."""
    try:
        return bytes.fromhex(filename).decode("utf-8")
    except ValueError:
        return None


class FileBackend:
    def __init__(self, folder: str, live_key: Callable[[str], str],
                 lock_wait_seconds: float = 2, list_prefix: str = "widget-events:") -> None:
        self.folder = folder
        self.lock_wait_seconds = lock_wait_seconds
        self.locks = os.path.join(folder, "locks")
        # Lock files are named by session id: only this service may list the folders.
        os.makedirs(self.locks, mode=0o700, exist_ok=True)
        self.cache = RecordFiles(folder, threshold=0, mode=0o600, hash_method=KeyAsName)
        self.live_key = live_key
        self.sweep_marker = os.path.join(folder, "sweep.lock")
        # Keys with this prefix are lists (widget/store_file_lists.py), in a folder of their own.
        self.list_prefix = list_prefix
        self.lists = FileLists(os.path.join(folder, "lists"))

    def get(self, key: str) -> bytes | str | None:
        value: bytes | str | None = self.cache.get(key)
        return value

    def exists(self, key: str) -> bool:
        # Whether its file is there, expired or not (Backend.exists): one system call, where
        # reading its expiry took three. Each such call lets the other threads of the process
        # take the interpreter, which costs another core more than the call itself.
        return self.cache.present(key)

    def write(self, records: Sequence[Record], deletes: Iterable[str] = (),
              fence: object = None, appends: Sequence[Append] = ()) -> None:
        # No fence to check: a flock is held until its holder closes it or dies, never lost.
        # The lists before the records (the store appends a session's events to its held list
        # before calling this, likewise): the newest event numbers the next (widget/events.py),
        # so a crash between the two keeps events of a request whose record was not saved, but
        # never gives a number twice (to the Client's window, say, from the record).
        for key, values, _ttl, most in appends:  # the sweep removes them with their session
            self.lists.append(key, values, most)
        for key, value, ttl in records:
            # One second more than asked: cachelib counts in whole seconds, and the sweep must
            # never find expired a record the store still writes (the store checks expiry itself).
            if not self.cache.set(key, value, timeout=math.ceil(ttl) + 1):
                raise StoreUnavailable("the session folder refused a write")
        self.delete(*deletes)

    def read_list(self, key: str, most: int) -> list[bytes]:
        return self.lists.read(key, most)

    def append_unlocked(self, session_id: str, live: str, newest: bytes,
                        appends: Sequence[Append]) -> bool:
        """Never called: a request without the session's lock holds its events list here."""
        raise NotImplementedError

    def hold_list(self, key: str, wait: float | None = None) -> HeldList:
        """The list held (flock) by this request until it lets it go: every request that
        numbers a session's events holds its list, with the session's lock or not. `wait`: the
        lock's by default."""
        return self.lists.hold(key, self.lock_wait_seconds if wait is None else wait)

    def delete(self, *keys: str) -> None:
        for key in keys:
            if key.startswith(self.list_prefix):
                self.lists.remove(key)
            elif not self.cache.delete(key):
                raise StoreUnavailable("the session folder refused a removal")

    def ping(self) -> None:
        try:
            fd, probe = tempfile.mkstemp(prefix="ping-", dir=self.folder)
            os.close(fd)
            os.remove(probe)
        except OSError as exc:
            raise StoreUnavailable("the session folder is not writable: %s" % exc) from None

    @contextlib.contextmanager
    def lock(self, session_id: str, wait: float | None = None) -> Iterator[None]:
        """flock on locks/<id>.lock: exclusive across the threads and processes of this machine;
        SessionBusy when another request keeps it longer than `wait` seconds."""
        path = os.path.join(self.locks, session_id + ".lock")
        deadline = time.monotonic() + (self.lock_wait_seconds if wait is None else wait)
        # A descriptor, not a Python file: nothing is read or written through it.
        held = open_locked(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, deadline)
        if held is None:
            raise SessionBusy()
        try:
            yield None
        finally:
            os.close(held[0])  # releases the flock

    def sweep_if_due(self) -> bool:
        """Sweep when the last sweep is SWEEP_EVERY_SECONDS old, unless another process does."""
        try:
            return self._sweep_if_due()
        except OSError:  # never fails the request that pays for it; a write will say more
            logging.getLogger(__name__).warning("session sweep failed", exc_info=True)
            return False

    def _sweep_if_due(self) -> bool:
        with contextlib.suppress(FileNotFoundError):
            if time.time() - os.stat(self.sweep_marker).st_mtime < SWEEP_EVERY_SECONDS:
                return False
        with open(os.open(self.sweep_marker, os.O_RDWR | os.O_CREAT, 0o600), "r+b") as fh:
            if not _try_flock(fh):
                return False  # another process is sweeping
            try:
                last = float(fh.read() or 0)
            except ValueError:
                last = 0.0
            if time.time() - last < SWEEP_EVERY_SECONDS:
                return False  # swept while we were looking
            self.sweep()
            fh.seek(0)
            fh.truncate()
            fh.write(repr(time.time()).encode())
        return True

    def sweep(self) -> None:
        """Remove expired records, orphaned files, and the lock files of sessions that are gone."""
        for entry in os.scandir(self.folder):
            key = key_of(entry.name)
            if key is not None:
                if not self.cache.has(key):
                    self.cache.delete(key)
            elif entry.is_file() and entry.path != self.sweep_marker:
                with contextlib.suppress(FileNotFoundError):
                    if time.time() - entry.stat().st_mtime > ORPHAN_SECONDS:
                        os.remove(entry.path)
        for entry in os.scandir(self.locks):
            session_id = entry.name.removesuffix(".lock")
            if not self.cache.has(self.live_key(session_id)):
                self._remove_lock(entry.path, session_id)
        self.lists.sweep(lambda key: not self.cache.has(
            self.live_key(key.removeprefix(self.list_prefix))))

    def _remove_lock(self, path: str, session_id: str) -> None:
        """Remove a lock file nobody holds; whoever opened it already retries on the new one."""
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            return
        with fh:
            if not _try_flock(fh) or not _is_current(fh.fileno(), path):
                return  # held, or replaced since we listed it
            if not self.cache.has(self.live_key(session_id)):
                os.remove(path)
