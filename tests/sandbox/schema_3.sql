-- A sandbox database of schema version 3, as main built it before version 4 (its tables,
-- indexes, full-text tables and triggers, from sqlite_master): tests upgrade it.
CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        secret_sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        redirect_uris TEXT NOT NULL,
        frame_ancestors TEXT NOT NULL);
CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        creation_date REAL NOT NULL,
        terms_version TEXT,
        terms_accepted_at REAL);
CREATE TABLE tokens (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        access_sha256 TEXT NOT NULL UNIQUE,
        refresh_sha256 TEXT UNIQUE,
        scope TEXT NOT NULL,
        issued_at REAL NOT NULL,
        expires_in INTEGER NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE authorization_codes (
        code_sha256 TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        redirect_uri TEXT,
        scope TEXT NOT NULL,
        issued_at REAL NOT NULL);
CREATE TABLE providers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        city TEXT NOT NULL,
        sort_key TEXT NOT NULL,
        search_key TEXT NOT NULL,
        available INTEGER NOT NULL DEFAULT 1, search_rank INTEGER);
CREATE TABLE channel_definitions (
        id TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL REFERENCES providers(id),
        position INTEGER NOT NULL,
        mode TEXT NOT NULL,
        name TEXT NOT NULL,
        account_types TEXT NOT NULL);
CREATE TABLE bank_authorizations (
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
        redeemed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE connections (
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
        sync_error TEXT);
CREATE TABLE channels (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        channel_definition_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        login TEXT,
        scenario TEXT NOT NULL,
        status TEXT NOT NULL,
        last_sca_at REAL);
CREATE TABLE challenges (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        issued_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0);
CREATE TABLE accounts (
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
        iban_last4 TEXT);
CREATE TABLE transactions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        date REAL NOT NULL,
        label TEXT NOT NULL,
        amount_cents INTEGER NOT NULL);
CREATE INDEX transactions_by_account ON transactions (account_id, date);
CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        date REAL NOT NULL,
        connection_id INTEGER,
        channel_id INTEGER,
        data TEXT NOT NULL,
        dedup_key TEXT UNIQUE);
CREATE INDEX events_by_user ON events (user_id, id);
CREATE TABLE idempotency_keys (
        owner TEXT NOT NULL,
        key_sha256 TEXT NOT NULL,
        request_digest TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (owner, key_sha256));
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
CREATE TABLE refresh_rotations (
        token_id INTEGER PRIMARY KEY REFERENCES tokens(id),
        successor_id INTEGER NOT NULL REFERENCES tokens(id),
        rotated_at REAL NOT NULL,
        sealed_answer TEXT NOT NULL);
CREATE INDEX providers_by_name ON providers (sort_key, id);
CREATE INDEX providers_by_search_rank ON providers (search_rank);
CREATE VIRTUAL TABLE provider_trigrams USING fts5(
        search_key, content='', tokenize='trigram');
CREATE VIRTUAL TABLE provider_words USING fts5(
        search_key, content='', tokenize='unicode61', prefix='1 2');
CREATE TRIGGER providers_ranked AFTER INSERT ON providers
    WHEN NEW.search_rank IS NULL BEGIN
        
    INSERT INTO provider_trigrams (provider_trigrams, rowid, search_key) SELECT 'delete', search_rank, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
INSERT INTO provider_words (provider_words, rowid, search_key) SELECT 'delete', search_rank, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
    INSERT INTO provider_trigrams (rowid, search_key) SELECT search_rank + 1099511627776, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
INSERT INTO provider_words (rowid, search_key) SELECT search_rank + 1099511627776, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
    UPDATE providers SET search_rank = search_rank + 1099511627776
        WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
    UPDATE providers SET search_rank = CASE WHEN (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) IS NULL THEN coalesce((SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - 1099511627776, 0) WHEN (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) IS NULL THEN (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) + 1099511627776 ELSE (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) + min(1048576, ((SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1)) / 2) END WHERE rowid = NEW.rowid;
    INSERT INTO provider_trigrams (rowid, search_key) SELECT search_rank, NEW.search_key FROM providers WHERE rowid = NEW.rowid;
INSERT INTO provider_words (rowid, search_key) SELECT search_rank, NEW.search_key FROM providers WHERE rowid = NEW.rowid;

    END;
CREATE TRIGGER providers_reranked AFTER UPDATE OF id, sort_key, search_key ON providers
    BEGIN
        INSERT INTO provider_trigrams (provider_trigrams, rowid, search_key) SELECT 'delete', OLD.search_rank, OLD.search_key WHERE OLD.search_rank IS NOT NULL;
INSERT INTO provider_words (provider_words, rowid, search_key) SELECT 'delete', OLD.search_rank, OLD.search_key WHERE OLD.search_rank IS NOT NULL;
        UPDATE providers SET search_rank = NULL WHERE rowid = NEW.rowid;
        
    INSERT INTO provider_trigrams (provider_trigrams, rowid, search_key) SELECT 'delete', search_rank, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
INSERT INTO provider_words (provider_words, rowid, search_key) SELECT 'delete', search_rank, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
    INSERT INTO provider_trigrams (rowid, search_key) SELECT search_rank + 1099511627776, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
INSERT INTO provider_words (rowid, search_key) SELECT search_rank + 1099511627776, search_key FROM providers WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
    UPDATE providers SET search_rank = search_rank + 1099511627776
        WHERE search_rank >= (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) AND (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) < 2;
    UPDATE providers SET search_rank = CASE WHEN (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) IS NULL THEN coalesce((SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - 1099511627776, 0) WHEN (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) IS NULL THEN (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) + 1099511627776 ELSE (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1) + min(1048576, ((SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) > (NEW.sort_key, NEW.id) ORDER BY sort_key, id LIMIT 1) - (SELECT search_rank FROM providers WHERE search_rank IS NOT NULL AND (sort_key, id) < (NEW.sort_key, NEW.id) ORDER BY sort_key DESC, id DESC LIMIT 1)) / 2) END WHERE rowid = NEW.rowid;
    INSERT INTO provider_trigrams (rowid, search_key) SELECT search_rank, NEW.search_key FROM providers WHERE rowid = NEW.rowid;
INSERT INTO provider_words (rowid, search_key) SELECT search_rank, NEW.search_key FROM providers WHERE rowid = NEW.rowid;

    END;
CREATE TRIGGER providers_unranked AFTER DELETE ON providers BEGIN
        INSERT INTO provider_trigrams (provider_trigrams, rowid, search_key) SELECT 'delete', OLD.search_rank, OLD.search_key WHERE OLD.search_rank IS NOT NULL;
INSERT INTO provider_words (provider_words, rowid, search_key) SELECT 'delete', OLD.search_rank, OLD.search_key WHERE OLD.search_rank IS NOT NULL;
    END;
