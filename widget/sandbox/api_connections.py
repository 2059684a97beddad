"""Accounts API: connections and their channels (creation, renewal, deletion, sync)."""
from flask import Blueprint, jsonify

from widget.sandbox import engine, events
from widget.sandbox.api import (
    ApiError, conflict, current_user_id, invalid_request, json_body, list_response, paging,
    required_string, token_required,
)
from widget.sandbox.api_providers import available_provider, provider_definition
from widget.sandbox.bank_authorizations import redeem_code
from widget.sandbox.clock import now
from widget.sandbox.db import get_db
from widget.sandbox.resources import (
    channel_challenge, connection_channel, connection_json, user_connection,
)
from widget.sandbox.scenarios import APP_VALIDATION, WRONG_PASSWORD

bp = Blueprint("connections", __name__)


def verified_login(db, body, definition, connection_id=None, channel_id=None):
    """The login the bank accepted: EMBEDDED credentials, or a REDIRECT authorization code.

    A refusal queues AUTH_FAILED and answers 403. Neither credentials nor codes are kept.
    """
    if definition["mode"] == "EMBEDDED":
        credentials = body.get("credentials")
        if not isinstance(credentials, dict):
            raise invalid_request("'credentials' with 'login' and 'password' is required.")
        login = required_string(credentials, "login").strip()
        accepted = required_string(credentials, "password") != WRONG_PASSWORD
        error = "wrong_credentials"
    else:
        code = required_string(body, "authorization_code")
        redirect_uri = required_string(body, "redirect_uri")
        login = redeem_code(db, current_user_id(), definition, code, redirect_uri, now())
        accepted = login is not None
        error = "invalid_authorization_code"
    if not accepted:
        events.record(db, current_user_id(), "AUTH_FAILED", now(), connection_id, channel_id,
                      {"error": error, "provider_id": definition["provider_id"],
                       "channel_definition_id": definition["id"]})
        raise ApiError(403, "auth_failed", "The bank refused these credentials.")
    return login


def connection_answer(db, connection_id, status=200):
    """The connection as it stands after a change, read back in full."""
    connection = user_connection(db, current_user_id(), str(connection_id))
    return jsonify(connection_json(db, connection)), status


@bp.post("/connections")
@token_required(scope="connections_manage")
def create():
    """Connect a bank with credentials (EMBEDDED) or a bank portal's code (REDIRECT)."""
    db, body = get_db(), json_body()
    definition = provider_definition(
        db, required_string(body, "provider_id"), required_string(body, "channel_definition_id")
    )
    login = verified_login(db, body, definition)
    at = now()
    connection_id = engine.open_connection(db, current_user_id(), definition["provider_id"], at)
    engine.add_channel(db, connection_id, definition, login, at)
    return connection_answer(db, connection_id, 201)


@bp.get("/connections")
@token_required(scope="connections_manage")
def list_connections():
    """The user's connections, oldest first."""
    db = get_db()
    limit, offset = paging()
    total = db.execute("SELECT COUNT(*) FROM connections WHERE user_id = ?",
                       (current_user_id(),)).fetchone()[0]
    rows = db.execute("SELECT * FROM connections WHERE user_id = ? ORDER BY id LIMIT ? OFFSET ?",
                      (current_user_id(), limit, offset)).fetchall()
    return list_response([connection_json(db, row) for row in rows], total)


@bp.get("/connections/<connection_id>")
@token_required(scope="connections_manage")
def get_connection(connection_id):
    """One connection, its sync progress and its channels."""
    return connection_answer(get_db(), connection_id)


@bp.delete("/connections/<connection_id>")
@token_required(scope="connections_manage")
def delete(connection_id):
    """Delete a connection with its channels, accounts and transactions."""
    db = get_db()
    connection = user_connection(db, current_user_id(), connection_id)
    db.execute("DELETE FROM connections WHERE id = ?", (connection["id"],))
    return "", 204


@bp.put("/connections/<connection_id>/channels/<channel_id>/credentials")
@token_required(scope="connections_manage")
def renew_credentials(connection_id, channel_id):
    """Renew a channel's credentials (new login and password, or a new bank portal code)."""
    db, body = get_db(), json_body()
    connection = user_connection(db, current_user_id(), connection_id)
    channel = connection_channel(db, connection, channel_id)
    definition = provider_definition(db, connection["provider_id"],
                                     channel["channel_definition_id"])
    login = verified_login(db, body, definition, connection["id"], channel["id"])
    engine.renew_channel(db, channel, login, now())
    return connection_answer(db, connection_id)


@bp.post("/connections/<connection_id>/channels")
@token_required(scope="connections_manage")
def add_channel(connection_id):
    """Add the provider's other channel to a connection."""
    db, body = get_db(), json_body()
    connection = user_connection(db, current_user_id(), connection_id)
    definition = provider_definition(db, connection["provider_id"],
                                     required_string(body, "channel_definition_id"))
    if db.execute("SELECT 1 FROM channels WHERE connection_id = ? AND channel_definition_id = ?",
                  (connection["id"], definition["id"])).fetchone():
        raise conflict("The connection already has this channel.")
    login = verified_login(db, body, definition, connection["id"])
    engine.add_channel(db, connection["id"], definition, login, now())
    return connection_answer(db, connection_id, 201)


@bp.post("/connections/<connection_id>/synchronize")
@token_required(scope="connections_sync")
def synchronize(connection_id):
    """Start a sync of the consented accounts (a challenge may be asked first)."""
    db = get_db()
    connection = user_connection(db, current_user_id(), connection_id)
    available_provider(db, connection["provider_id"])
    blocker = engine.sync_blocker(db, connection["id"])
    if blocker:
        raise conflict(f"A channel is {blocker}: the user must act before a sync.")
    engine.start_sync(db, connection["id"], now())
    return connection_answer(db, connection_id, 202)


@bp.post("/connections/<connection_id>/channels/<channel_id>/challenges/<challenge_id>")
@token_required(scope="connections_manage")
def answer_challenge(connection_id, channel_id, challenge_id):
    """Answer a pending SMS code or question challenge (app validations approve themselves)."""
    db, body = get_db(), json_body()
    connection = user_connection(db, current_user_id(), connection_id)
    channel = connection_channel(db, connection, channel_id)
    challenge = channel_challenge(db, channel, challenge_id)
    answer = body.get("answer")
    if isinstance(answer, int) and not isinstance(answer, bool):
        answer = str(answer)  # a code typed as a JSON number
    if not isinstance(answer, str) or not answer.strip():
        raise invalid_request("'answer' is required.")
    if challenge["status"] != "PENDING":
        raise conflict(f"The challenge is {challenge['status']}, not PENDING.")
    if challenge["type"] == APP_VALIDATION:
        raise conflict("An app validation is approved in the bank's app, not answered.")
    if not engine.answer_challenge(db, challenge, answer, now()):
        raise ApiError(403, "challenge_failed", "Wrong answer.")
    return connection_answer(db, connection_id)
