"""Idempotency keys of the Accounts API: a repeated request gets the first one's answer.

A client that lost an answer (a time-out, a dropped connection) sends the same request again
with the same `Idempotency-Key` header: the API answers what it answered the first time, status
and body, instead of doing the work twice (a second connection). A key belongs to one client
and user and is kept KEPT_SECONDS; the same key with another request (method, path, query or
body) is refused with 422. Answers of 500 and above are not kept: nothing was done (the
request's transaction is rolled back), so a retry does the work.

The key and the request are kept as digests only: a copy of the database holds no credential.
"""
import hashlib
import hmac
import json

from flask import Response, jsonify, request

from widget.sandbox.clock import now
from widget.sandbox.db import get_db

HEADER = "Idempotency-Key"
KEPT_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def requested():
    """True when this request asks to be done at most once."""
    return request.method in UNSAFE_METHODS and HEADER in request.headers


def answer_once(owner, answer):
    """`answer()` (a response), or the stored answer to this owner's earlier request with the key.

    Every sandbox request holds the database's write lock from its first query to its end, so
    two requests with one key never both do the work: the second finds the first's answer.
    """
    key = request.headers[HEADER]
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        return _refusal(400, "invalid_request",
                        f"'{HEADER}' must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.")
    db, at = get_db(), now()
    key_sha256 = hashlib.sha256(key.encode()).hexdigest()
    digest = _request_digest(key)
    stored = db.execute(
        "SELECT * FROM idempotency_keys WHERE owner = ? AND key_sha256 = ? AND created_at > ?",
        (owner, key_sha256, at - KEPT_SECONDS)).fetchone()
    if stored is not None:
        if not hmac.compare_digest(stored["request_digest"], digest):
            return _refusal(422, "idempotency_key_reused",
                            f"This '{HEADER}' was used for another request.")
        replay = Response(stored["body"], status=stored["status"],
                          mimetype="application/json" if stored["body"] else None)
        replay.headers["Idempotent-Replayed"] = "true"
        return replay
    response = answer()
    if response.status_code < 500:
        db.execute("DELETE FROM idempotency_keys WHERE created_at <= ?", (at - KEPT_SECONDS,))
        db.execute("INSERT OR REPLACE INTO idempotency_keys VALUES (?, ?, ?, ?, ?, ?)",
                   (owner, key_sha256, digest, response.status_code,
                    response.get_data(as_text=True), at))
    return response


def _request_digest(key):
    """What makes two requests the same one: method, path, query and body (JSON compared as
    data). Keyed by the idempotency key, so a body's password cannot be guessed from it."""
    raw = request.get_data()
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        body = raw
    message = b"\0".join((request.method.encode(), request.full_path.encode(), body))
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _refusal(status, error, description):
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    return response
