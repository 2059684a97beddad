"""SQLite storage: the schema, one connection per request, creation on first use."""
import logging
import sqlite3

from flask import current_app, g, jsonify

from widget.sandbox import db_file
from widget.sandbox.seed import seed

SCHEMA_VERSION = 2

# AUTOINCREMENT on user-owned tables: a deleted id is never handed out again, so a stale id
# kept by the widget can only ever answer 404.
SCHEMA = [
    """CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        secret_sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        redirect_uris TEXT NOT NULL,
        frame_ancestors TEXT NOT NULL)""",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        creation_date REAL NOT NULL,
        terms_version TEXT,
        terms_accepted_at REAL)""",
    """CREATE TABLE tokens (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        access_sha256 TEXT NOT NULL UNIQUE,
        refresh_sha256 TEXT UNIQUE,
        scope TEXT NOT NULL,
        issued_at REAL NOT NULL,
        expires_in INTEGER NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE authorization_codes (
        code_sha256 TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        redirect_uri TEXT,
        scope TEXT NOT NULL,
        issued_at REAL NOT NULL)""",
    """CREATE TABLE providers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        city TEXT NOT NULL,
        sort_key TEXT NOT NULL,
        search_key TEXT NOT NULL,
        available INTEGER NOT NULL DEFAULT 1)""",
    "CREATE INDEX providers_by_sort_key ON providers (sort_key)",
    """CREATE TABLE channel_definitions (
        id TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL REFERENCES providers(id),
        position INTEGER NOT NULL,
        mode TEXT NOT NULL,
        name TEXT NOT NULL,
        account_types TEXT NOT NULL)""",
    """CREATE TABLE bank_authorizations (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        provider_id TEXT NOT NULL,
        channel_definition_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        state TEXT,
        created_at REAL NOT NULL,
        login TEXT,
        code_sha256 TEXT UNIQUE,
        code_issued_at REAL,
        redeemed INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE connections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(id),
        provider_id TEXT NOT NULL,
        creation_date REAL NOT NULL,
        consent_all INTEGER NOT NULL DEFAULT 0,
        last_sync_date REAL,
        sync_seq INTEGER NOT NULL DEFAULT 0,
        sync_status TEXT NOT NULL DEFAULT 'NONE',
        sync_requested_at REAL,
        sync_started_at REAL,
        sync_duration REAL,
        sync_step INTEGER NOT NULL DEFAULT 0,
        sync_accounts_retrieved INTEGER NOT NULL DEFAULT 0,
        sync_finished_at REAL,
        sync_error TEXT)""",
    """CREATE TABLE channels (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        channel_definition_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        login TEXT,
        scenario TEXT NOT NULL,
        status TEXT NOT NULL,
        last_sca_at REAL)""",
    """CREATE TABLE challenges (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        issued_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        usage TEXT NOT NULL,
        company_name TEXT,
        siren TEXT,
        balance_cents INTEGER NOT NULL,
        iban_last4 TEXT)""",
    """CREATE TABLE transactions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        date REAL NOT NULL,
        label TEXT NOT NULL,
        amount_cents INTEGER NOT NULL)""",
    "CREATE INDEX transactions_by_account ON transactions (account_id, date)",
    """CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        date REAL NOT NULL,
        connection_id INTEGER,
        channel_id INTEGER,
        data TEXT NOT NULL,
        dedup_key TEXT UNIQUE)""",
    "CREATE INDEX events_by_user ON events (user_id, id)",
]

# Version 2 (a version-1 database gains these): the first answer to each Idempotency-Key, and
# the token pair each rotated refresh token was traded for (see idempotency.py, oauth.py).
SCHEMA_2 = [
    """CREATE TABLE idempotency_keys (
        owner TEXT NOT NULL,
        key_sha256 TEXT NOT NULL,
        request_digest TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (owner, key_sha256))""",
    "CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)",
    """CREATE TABLE refresh_rotations (
        token_id INTEGER PRIMARY KEY REFERENCES tokens(id),
        successor_id INTEGER NOT NULL REFERENCES tokens(id),
        rotated_at REAL NOT NULL,
        sealed_answer TEXT NOT NULL)""",
]


def connect(path):
    """A connection in autocommit mode to the existing database (see db_file)."""
    return db_file.connect(path)


def ensure_database(path):
    """Create and seed the database once, whole; safe when several processes start at once."""
    db_file.ensure(path, SCHEMA_VERSION, create_schema, upgrade_schema)


def reset_database(path):
    """Replace the database by a freshly seeded one; safe while the server runs."""
    db_file.reset(path, SCHEMA_VERSION, create_schema)


def create_schema(connection):
    """The tables and the seeded rows, inside the builder's transaction."""
    for statement in SCHEMA + SCHEMA_2:
        connection.execute(statement)
    seed(connection)


def upgrade_schema(connection, found):
    """Bring a database of an older schema version up to date, inside the caller's transaction."""
    if found < 2:
        for statement in SCHEMA_2:
            connection.execute(statement)


def get_db():
    """This request's connection, inside one write transaction ended with the request."""
    if "sandbox_db" not in g:
        path = current_app.config["SANDBOX_DATABASE"]
        ensure_database(path)
        connection = connect(path)
        try:
            # Reads decide writes (progress is materialised on read), so every request takes
            # the write lock up front: concurrent processes then never act on a stale snapshot.
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            connection.close()
            if db_file.is_unusable(exc):  # a file damaged since this process first opened it
                raise db_file.DatabaseUnusable(path, exc) from None
            raise
        g.sandbox_db = connection
    return g.sandbox_db


def commit_db(response):
    """Commit what the request did once it has an answer, unless that answer is a 500.

    Error answers below 500 commit too: a refused password still queues AUTH_FAILED. A 500
    (even one an app-wide error handler turned into a response) leaves nothing half-written.
    """
    connection = g.get("sandbox_db")
    if connection is not None and connection.in_transaction and response.status_code < 500:
        connection.execute("COMMIT")
    return response


def close_db(exc=None):
    """Roll back whatever was not committed, and close."""
    connection = g.pop("sandbox_db", None)
    if connection is None:
        return
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        if not db_file.is_unusable(exc):
            raise
    finally:
        connection.close()


_reported = set()


def answer_unusable_database(error):
    """A corrupt database answers 503 JSON, and the log says once per process how to reset it."""
    if str(error) not in _reported:
        _reported.add(str(error))
        logging.getLogger("passerelle.sandbox").error("%s", error)
    body = {"error": "sandbox_unavailable",
            "error_description": "The sandbox database is unusable; the server log says why."}
    return jsonify(body), 503
