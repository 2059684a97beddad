"""Refresh-token rotation in the sandbox: a refresh token traded once is revoked, and its answer
kept sealed for the reuse interval, so a client whose answer was lost gets the same pair again."""
import base64
import hashlib
import hmac
import json

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken as BrokenSeal

from widget.sandbox.clock import now
from widget.sandbox.db import get_db
from widget.sandbox.oauth_models import find_token


def _rotation_key(refresh_token):
    """The key that seals what a refresh token was traded for: only its holder can read it."""
    digest = hmac.new(refresh_token.encode(), b"sandbox refresh-token rotation",
                      hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def rotate_token(token, refresh_token, answer):
    """Revoke `token`, which `refresh_token` (its refresh token) was just traded for `answer`.

    The answer is kept sealed under a key derived from the spent refresh token, for the reuse
    interval: the database alone opens nothing.
    """
    db = get_db()
    db.execute("UPDATE tokens SET revoked = 1 WHERE id = ?", (token.id,))
    successor = find_token(access_token=answer["access_token"])
    sealed = _rotation_key(refresh_token).encrypt(json.dumps(answer).encode()).decode()
    db.execute("INSERT OR REPLACE INTO refresh_rotations VALUES (?, ?, ?, ?)",
               (token.id, successor.id, now(), sealed))


def rotation_answer(token, refresh_token, reuse_seconds):
    """The pair a rotated refresh token was traded for, if that was under `reuse_seconds` ago
    and the pair is still unspent; else None."""
    row = get_db().execute(
        "SELECT r.rotated_at, r.sealed_answer, t.revoked, t.issued_at, t.expires_in"
        " FROM refresh_rotations r JOIN tokens t ON t.id = r.successor_id WHERE r.token_id = ?",
        (token.id,)).fetchone()
    if row is None or row["revoked"] or not now() - row["rotated_at"] < reuse_seconds:
        return None
    try:
        answer = json.loads(_rotation_key(refresh_token).decrypt(row["sealed_answer"].encode()))
    except BrokenSeal:
        return None
    answer["expires_in"] = max(0, int(row["issued_at"] + row["expires_in"] - now()))
    return answer
