"""One SQLite connection per thread, kept between requests while the file is the one it opened.

Why: opening a connection per request cost about three quarters of a sandbox call's CPU:
SQLite reads and parses the whole schema on a connection's first statement, and the last
connection to close checkpoints the log and deletes it, which the next one creates again.

What keeps it safe. The file at the path can change under a kept connection in ways SQLite
does not tell it of: a reset of an unusable file or a first build renames a new file over the
path (db_file._move_into_place), the file may be deleted by hand, and a file damaged in place
(bytes written by something other than SQLite) goes unnoticed by a connection whose page
cache SQLite believes is current. So a connection is reused only while the file's identity
and state (device, inode, size, modification and change times) are what they were when it
was opened. SQLite itself writes the main file only at a checkpoint (the log takes every
commit), so a kept connection is opened again once per checkpoint too: rare, and cheap.
(What it cannot tell: bytes written into the file within the same timestamp tick as a
change it already saw; the next change of the file shows them.)
"""
import os
import sqlite3
import threading

from widget.sandbox import db_file, write_lock

_local = threading.local()
# Connections a forked child found in its thread (SQLite forbids using, or even closing, a
# connection opened before a fork): held here, never touched again.
_inherited = []


class _Kept:
    """A thread's connection, the path it opened and that file's state then (None: not kept)."""

    __slots__ = ("path", "connection", "seen", "pid")

    def __init__(self, path, connection, seen):
        self.path = path
        self.connection = connection
        self.seen = seen
        self.pid = os.getpid()


def file_state(path):
    """What changes when the file at `path` is replaced, deleted or written; None when absent."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def begin(path, ensure, write=True):
    """This thread's connection to `path`, inside a write transaction (BEGIN IMMEDIATE), or
    with `write` false a read-only one (BEGIN, and SQLite refuses any write: `upgrade` first).

    Opened (after `ensure(path)`, which builds a missing file) when the thread has none for
    that path, or when the file is no longer the one its connection opened.
    """
    kept = getattr(_local, "kept", None)
    if kept is not None and kept.pid != os.getpid():  # this thread forked since
        _inherited.append(kept)
        kept = _local.kept = None
    if kept is not None and kept.connection.in_transaction:
        # Still in an outer request's transaction (an app context left open in this thread):
        # that one keeps it; this request has a connection of its own, closed at its end.
        return _opened(path, ensure, write).connection
    if kept is not None:
        if kept.path == path and kept.seen is not None:
            _begin(kept, path, write)
            if file_state(path) == kept.seen:
                return kept.connection
        discard()
    kept = _opened(path, ensure, write)
    _local.kept = kept
    return kept.connection


def _opened(path, ensure, write=True):
    """A new connection to `path` inside a write transaction, and the file's state if it stayed
    the same while the connection was opened (else None: serve one request, then close)."""
    ensure(path)
    before = file_state(path)
    kept = _Kept(path, db_file.connect(path), None)
    _begin(kept, path, write)
    kept.seen = before if file_state(path) == before else None
    return kept


def _begin(kept, path, write=True):
    try:
        _transaction(kept.connection, write)
    except sqlite3.DatabaseError as exc:
        _close(kept.connection, getattr(_local, "kept", None))
        if db_file.is_unusable(exc):  # a file damaged since this process first opened it
            raise db_file.DatabaseUnusable(path, exc) from None
        raise


def _transaction(connection, write):
    # A write transaction takes the write lock up front: its reads decide its writes, so it
    # must never act on a stale snapshot. A read-only one takes no lock at all (the log lets it
    # read while another writes): SQLite is told to refuse its writes, so none slips through.
    _query_only(connection, not write)
    if write:
        write_lock.begin_immediate(connection)
    else:
        connection.execute("BEGIN")
        # Its snapshot starts here, as a write one's does; a file damaged meanwhile says so here.
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()


def _query_only(connection, on):
    # SQLite keeps the setting on the connection, which its thread keeps between calls: a poll's
    # read-only call after another is told nothing (a statement less).
    if isinstance(connection, db_file.SandboxConnection) and connection.query_only is on:
        return
    connection.execute("PRAGMA query_only = %d" % on)
    if isinstance(connection, db_file.SandboxConnection):
        connection.query_only = on


def upgrade(connection):
    """The request's read-only transaction becomes a write one: ended, then BEGIN IMMEDIATE, on a
    snapshot taken now (what it read before may have changed: read it again)."""
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    _transaction(connection, write=True)


def end(connection):
    """Roll back what the request left uncommitted; the connection stays for the thread's next
    request, unless it is not the kept one or its file turned out unusable."""
    kept = getattr(_local, "kept", None)
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        _close(connection, kept)
        if not db_file.is_unusable(exc):
            raise
        return
    if kept is None or kept.connection is not connection or kept.seen is None:
        _close(connection, kept)


def _close(connection, kept):
    if kept is not None and kept.connection is connection:
        _local.kept = None
    connection.close()


def discard():
    """Close this thread's kept connection, if any: its next request opens the file anew."""
    kept = getattr(_local, "kept", None)
    _local.kept = None
    if kept is not None:
        kept.connection.close()
