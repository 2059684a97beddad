"""A user's journey through the bank portal: request, login, code, and its one redemption."""
import secrets

from widget.sandbox.oauth_models import token_digest

REQUEST_LIFETIME_SECONDS = 900  # the user has a quarter of an hour at the bank
CODE_LIFETIME_SECONDS = 600


def open_request(db, user_id, definition, redirect_uri, state, at):
    """The id of a new portal visit (it goes in the portal URL, so it is unguessable)."""
    request_id = secrets.token_urlsafe(24)
    db.execute(
        "INSERT INTO bank_authorizations (id, user_id, provider_id, channel_definition_id,"
        " redirect_uri, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (request_id, user_id, definition["provider_id"], definition["id"], redirect_uri, state,
         at),
    )
    return request_id


def pending_request(db, request_id, at):
    """The visit, if it is recent and has not ended with a code yet; else None."""
    return db.execute(
        "SELECT * FROM bank_authorizations WHERE id = ? AND created_at > ?"
        " AND code_sha256 IS NULL",
        (request_id, at - REQUEST_LIFETIME_SECONDS),
    ).fetchone()


def record_login(db, request_id, login):
    """Remember who logged in (the login only: the password is never kept)."""
    db.execute("UPDATE bank_authorizations SET login = ? WHERE id = ?", (login, request_id))


def issue_code(db, request_id, at):
    """The authorization code handed back to the redirect_uri; stored as a digest."""
    code = secrets.token_urlsafe(32)
    db.execute(
        "UPDATE bank_authorizations SET code_sha256 = ?, code_issued_at = ? WHERE id = ?",
        (token_digest(code), at, request_id),
    )
    return code


def close_request(db, request_id):
    """A denied visit cannot be approved afterwards."""
    db.execute("DELETE FROM bank_authorizations WHERE id = ?", (request_id,))


def redeem_code(db, user_id, definition, code, redirect_uri, at):
    """The login behind a valid, unused code for this user, channel and redirect_uri; or None."""
    row = db.execute(
        "SELECT * FROM bank_authorizations WHERE code_sha256 = ? AND redeemed = 0"
        " AND user_id = ? AND channel_definition_id = ? AND redirect_uri = ?"
        " AND code_issued_at > ?",
        (token_digest(code), user_id, definition["id"], redirect_uri, at - CODE_LIFETIME_SECONDS),
    ).fetchone()
    if row is None:
        return None
    db.execute("UPDATE bank_authorizations SET redeemed = 1 WHERE id = ?", (row["id"],))
    return row["login"]
