"""BEGIN IMMEDIATE that waits for the write lock in short steps, not in SQLite's long sleeps.

Why: every sandbox request takes SQLite's write lock up front, each holder for about a
millisecond. One that finds it taken waits in SQLite's busy handler, which sleeps between tries
1, 2, 5, 10, 15, 20, 25... up to 100 ms: while it sleeps, others take the lock in turn, and
under load a syncing screen's poll waited up to 180 ms for a lock that was free most of that
time. Here a waiter tries again after a few milliseconds at most (with a little jitter, so that
waiters do not retry in step), for as long as SQLite would have waited.
"""
import random
import sqlite3
import time

from widget.sandbox.db_file import BUSY_TIMEOUT_SECONDS

FIRST_PAUSE_SECONDS = 0.0005
LONGEST_PAUSE_SECONDS = 0.004


def begin_immediate(connection):
    """BEGIN IMMEDIATE on `connection`, waiting for the write lock up to BUSY_TIMEOUT_SECONDS."""
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        pause = FIRST_PAUSE_SECONDS
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause * random.uniform(0.5, 1.5))
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
    finally:
        # The transaction's own statements keep SQLite's handler (a checkpoint, a recovery).
        connection.execute("PRAGMA busy_timeout = %d" % (BUSY_TIMEOUT_SECONDS * 1000))


def _busy(error):
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY
