"""The sandbox database's file: built aside, moved into place whole, never deleted under a reader.

Any gunicorn worker may be the first to need the database, and any may be killed at any moment.
So the file is built and seeded by one process at a time (an flock), in a temporary file of the
same folder, and `os.replace`d into place: the path is either absent or a complete database.
Connections never create the file (`mode=rw`), so no one makes an empty database at the path;
and a reset copies a fresh database into the live one through SQLite (its backup API) instead of
deleting files another process may have open.
"""
import contextlib
import fcntl
import glob
import os
import sqlite3
import threading
import urllib.parse

BUSY_TIMEOUT_SECONDS = 30
RESET_COMMAND = "flask --app app sandbox init-db --reset"
# What SQLite answers for a file that is not, or no longer, a database.
UNUSABLE = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)

_ready_paths = set()
_ready_lock = threading.Lock()


class DatabaseUnusable(Exception):
    """The file at the path is not a sandbox database this code can use."""

    def __init__(self, path, reason):
        super().__init__(f"The sandbox database {path} is unusable ({reason}). Reset it with: "
                         f"{RESET_COMMAND} (with the server's INSTANCE_PATH or SANDBOX_DATABASE)")
        self.path = path


def is_unusable(error):
    """Whether this sqlite3 error says the file is corrupt, rather than busy or a bug."""
    return isinstance(error, sqlite3.DatabaseError) and (
        getattr(error, "sqlite_errorcode", 0) & 0xFF) in UNUSABLE


class SandboxConnection(sqlite3.Connection):
    """A connection that knows its `PRAGMA query_only` (None: not set yet), so that a thread's
    kept connection is not told again on every call what it already is."""

    query_only = None


def connect(path):
    """A connection in autocommit mode to an existing file: transactions are opened explicitly."""
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=rw"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS,
                                 isolation_level=None, factory=SandboxConnection)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def ensure(path, version, build, upgrade):
    """Make `path` a database of schema `version`: built by `build(connection)` if absent,
    brought up by `upgrade(connection, found_version)` if older."""
    with _ready_lock:
        # A file deleted by hand while the app runs is built again.
        if path in _ready_paths and os.path.exists(path):
            return
        if _version(path) != version:
            with _building(path):
                found = _version(path)  # another process may have built it meanwhile
                if found in (None, 0):
                    _move_into_place(_build_aside(path, version, build), path)
                elif found < version:
                    _upgrade(path, found, version, upgrade)
                elif found != version:
                    raise DatabaseUnusable(path, f"schema version {found}, not {version}")
        _ready_paths.add(path)


def reset(path, version, build):
    """Put a freshly seeded database at `path`, safely while other processes use it."""
    with _building(path):
        fresh = _build_aside(path, version, build)
        try:
            if _version(path) is not None:
                _copy_into(fresh, path)
                os.remove(fresh)
                return
        except DatabaseUnusable:
            pass  # nothing can read it, so nothing uses it: it is replaced whole, below
        except sqlite3.DatabaseError as exc:
            if not is_unusable(exc):  # busy, say: never replace a file that is in use
                os.remove(fresh)
                raise
        _move_into_place(fresh, path)


def _version(path):
    """The file's schema version; 0 when never built; None when absent."""
    if not os.path.exists(path):
        return None
    try:
        connection = connect(path)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if is_unusable(exc):
            raise DatabaseUnusable(path, exc) from None
        raise
    return version if tables else 0


@contextlib.contextmanager
def _building(path):
    """One builder at a time across processes, on a lock file beside the database.

    Never on the database file itself: closing any other descriptor of it would drop the
    POSIX locks SQLite holds on it in this process.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    descriptor = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # released by the kernel if this process dies
        yield
    finally:
        os.close(descriptor)


def _upgrade(path, found, version, upgrade):
    """Add what a newer schema has to a live database, in one transaction (others wait)."""
    connection = connect(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            upgrade(connection, found)
            connection.execute(f"PRAGMA user_version = {int(version)}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()


def _build_aside(path, version, build):
    """A complete database in a temporary file beside `path`; its name."""
    for stale in glob.glob(glob.escape(path) + ".building-*"):  # builders killed halfway
        os.remove(stale)
    temporary = f"{path}.building-{os.getpid()}"
    connection = sqlite3.connect(temporary, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")  # kept in the file's header
        connection.execute("BEGIN")
        build(connection)
        connection.execute(f"PRAGMA user_version = {int(version)}")
        connection.execute("COMMIT")
    finally:
        connection.close()  # the last connection: the log is written back and removed
    return temporary


def _move_into_place(temporary, path):
    """Rename a built file over `path`, with no log or index left from an earlier file."""
    _fsync(temporary)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path + suffix)
    os.replace(temporary, path)
    _fsync(os.path.dirname(os.path.abspath(path)))


def _copy_into(fresh, path):
    """Copy every page of `fresh` into the live database, in one write transaction."""
    source, target = sqlite3.connect(fresh), connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _fsync(name):
    descriptor = os.open(name, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
