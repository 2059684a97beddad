"""The sandbox database's tables: version 1, and what version 2 added (idempotency, rotations).

Versions 3 and 4 changed the providers (upgrades.py): a new database is a version 1 upgraded.
"""

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
