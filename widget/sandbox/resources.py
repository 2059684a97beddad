"""A user's connections, channels, challenges and accounts: loading them and their JSON."""
from widget.sandbox.api import not_found, row_id
from widget.sandbox.clock import isoformat
from widget.sandbox.scenarios import CHALLENGE_LABELS
from widget.sandbox.sync_timeline import STEPS_TOTAL


def _one_or_404(db, sql, params):
    """The one row the query finds, or a 404: unknown ids and other users' look the same."""
    row = db.execute(sql, params).fetchone()
    if row is None:
        raise not_found()
    return row


def user_connection(db, user_id, connection_id):
    """The user's connection, or a 404 for an unknown id or another user's."""
    return _one_or_404(db, "SELECT * FROM connections WHERE id = ? AND user_id = ?",
                       (row_id(connection_id), user_id))


def connection_channel(db, connection, channel_id):
    return _one_or_404(db, "SELECT * FROM channels WHERE id = ? AND connection_id = ?",
                       (row_id(channel_id), connection["id"]))


def channel_challenge(db, channel, challenge_id):
    return _one_or_404(db, "SELECT * FROM challenges WHERE id = ? AND channel_id = ?",
                       (row_id(challenge_id), channel["id"]))


def user_account(db, user_id, account_id):
    return _one_or_404(
        db, "SELECT accounts.* FROM accounts JOIN connections ON connections.id = connection_id"
        " WHERE accounts.id = ? AND user_id = ?", (row_id(account_id), user_id))


def connection_json(db, connection):
    """A connection with its sync and its channels (each with its latest challenge)."""
    channels = db.execute(
        "SELECT * FROM channels WHERE connection_id = ? ORDER BY id", (connection["id"],)
    ).fetchall()
    started = connection["sync_started_at"] or connection["sync_requested_at"]
    return {
        "id": str(connection["id"]),
        "provider_id": connection["provider_id"],
        "status": connection["sync_status"],
        "creation_date": isoformat(connection["creation_date"]),
        "last_sync_date": isoformat(connection["last_sync_date"]),
        "sync": {
            "status": connection["sync_status"],
            "step": connection["sync_step"],
            "steps_total": STEPS_TOTAL,
            "accounts_retrieved": connection["sync_accounts_retrieved"],
            "started_at": isoformat(started),
            "finished_at": isoformat(connection["sync_finished_at"]),
            "error": connection["sync_error"],
        },
        "channels": [_channel_json(db, channel) for channel in channels],
    }


def _channel_json(db, channel):
    challenge = db.execute(
        "SELECT * FROM challenges WHERE channel_id = ? ORDER BY id DESC LIMIT 1", (channel["id"],)
    ).fetchone()
    return {
        "id": str(channel["id"]),
        "channel_definition_id": channel["channel_definition_id"],
        "mode": channel["mode"],
        "status": channel["status"],
        "login": channel["login"],
        "challenge": challenge_json(challenge) if challenge else None,
    }


def challenge_json(challenge):
    return {
        "id": str(challenge["id"]),
        "type": challenge["type"],
        "label": CHALLENGE_LABELS[challenge["type"]],
        "status": challenge["status"],
        "expires_at": isoformat(challenge["expires_at"]),
    }


def account_json(account):
    return {
        "id": str(account["id"]),
        "connection_id": str(account["connection_id"]),
        "channel_id": str(account["channel_id"]),
        "name": account["name"],
        "type": account["type"],
        "status": account["status"],
        "usage": account["usage"],
        "company_name": account["company_name"],
        "siren": account["siren"],
        "currency": "EUR",
        "balance": account["balance_cents"] / 100,
        "iban": f"FR76 **** **** {account['iban_last4']}" if account["iban_last4"] else None,
    }


def transaction_json(transaction):
    return {
        "id": str(transaction["id"]),
        "account_id": str(transaction["account_id"]),
        "date": isoformat(transaction["date"]),
        "label": transaction["label"],
        "amount": transaction["amount_cents"] / 100,
        "currency": "EUR",
    }
