"""Accounts API: accounts, consents, professional usage, transactions and the event queue."""
from flask import Blueprint, jsonify, request

from widget.sandbox.api import (
    current_user_id, invalid_request, json_body, list_response, not_found, optional_string,
    paging, row_id, token_required,
)
from widget.sandbox.db import get_db
from widget.sandbox.events import event_json, events_after
from widget.sandbox.resources import (
    account_json, transaction_json, user_account, user_connection,
)
from widget.siren import normalized_siren, siren_is_valid

bp = Blueprint("accounts", __name__)

USAGES = ("PERSONAL", "PROFESSIONAL")
MAX_COMPANY_NAME_LENGTH = 100


def connection_accounts(db, connection_id):
    return db.execute("SELECT * FROM accounts WHERE connection_id = ? ORDER BY id",
                      (connection_id,)).fetchall()


@bp.get("/accounts")
@token_required(scope="accounts_manage")
def list_accounts():
    """The user's accounts, or one connection's with `connection_id`."""
    db = get_db()
    limit, offset = paging()
    where, params = "connections.user_id = ?", [current_user_id()]
    connection_id = request.args.get("connection_id")
    if connection_id is not None:
        where += " AND connections.id = ?"
        params.append(user_connection(db, current_user_id(), connection_id)["id"])
    source = " FROM accounts JOIN connections ON connections.id = connection_id WHERE " + where
    total = db.execute("SELECT COUNT(*)" + source, params).fetchone()[0]
    rows = db.execute("SELECT accounts.*" + source + " ORDER BY accounts.id LIMIT ? OFFSET ?",
                      (*params, limit, offset)).fetchall()
    return list_response([account_json(row) for row in rows], total)


@bp.get("/accounts/<account_id>")
@token_required(scope="accounts_manage")
def get_account(account_id):
    """One account."""
    return jsonify(account_json(user_account(get_db(), current_user_id(), account_id)))


@bp.put("/accounts/<account_id>")
@token_required(scope="accounts_manage")
def update_account(account_id):
    """Declare an account personal or professional (with its company's name and SIREN)."""
    db, body = get_db(), json_body()
    account = user_account(db, current_user_id(), account_id)
    usage = body.get("usage", account["usage"])
    if usage not in USAGES:
        raise invalid_request("'usage' must be PERSONAL or PROFESSIONAL.")
    company_name = (optional_string(body, "company_name") or "").strip() or None
    siren = normalized_siren(optional_string(body, "siren")) or None
    if company_name and len(company_name) > MAX_COMPANY_NAME_LENGTH:
        raise invalid_request("'company_name' is too long.")
    if siren and not siren_is_valid(siren):
        raise invalid_request("'siren' must be 9 digits with a valid check digit.")
    if usage == "PERSONAL":
        company_name = siren = None  # a personal account belongs to no company
    db.execute("UPDATE accounts SET usage = ?, company_name = ?, siren = ? WHERE id = ?",
               (usage, company_name, siren, account["id"]))
    return jsonify(account_json(user_account(db, current_user_id(), account_id)))


@bp.put("/connections/<connection_id>/consents")
@token_required(scope="accounts_manage")
def set_consents(connection_id):
    """Consent to exactly these accounts, or to all of them (including future ones)."""
    db, body = get_db(), json_body()
    connection = user_connection(db, current_user_id(), connection_id)
    known = {str(row["id"]) for row in connection_accounts(db, connection["id"])}
    if "account_ids" in body:
        wanted = body["account_ids"]
        if not isinstance(wanted, list) or not all(isinstance(i, (str, int)) for i in wanted):
            raise invalid_request("'account_ids' must be a list of account ids.")
        wanted = {str(account_id) for account_id in wanted}
        if not wanted <= known:
            raise not_found()
        consent_all = False
    elif body.get("all_accounts") is True:
        wanted, consent_all = known, True
    else:
        raise invalid_request("Give 'account_ids' or 'all_accounts': true.")
    for account_id in known:
        db.execute("UPDATE accounts SET status = ? WHERE id = ? AND status != 'CLOSED'",
                   ("ACTIVE" if account_id in wanted else "PENDING_CONSENT", int(account_id)))
    db.execute("UPDATE connections SET consent_all = ? WHERE id = ?",
               (int(consent_all), connection["id"]))
    rows = connection_accounts(db, connection["id"])
    return list_response([account_json(row) for row in rows], len(rows))


@bp.get("/transactions")
@token_required(scope="transactions_read")
def list_transactions():
    """Transactions of the user's synchronised accounts (or of one `account_id`), newest first."""
    db = get_db()
    limit, offset = paging()
    account_id = request.args.get("account_id")
    # Withdrawing consent hides what was collected before.
    where, params = "connections.user_id = ? AND accounts.status = 'ACTIVE'", [current_user_id()]
    if account_id is not None:
        where += " AND accounts.id = ?"
        params.append(user_account(db, current_user_id(), account_id)["id"])
    source = (" FROM transactions JOIN accounts ON accounts.id = account_id"
              " JOIN connections ON connections.id = accounts.connection_id WHERE " + where)
    total = db.execute("SELECT COUNT(*)" + source, params).fetchone()[0]
    rows = db.execute("SELECT transactions.*" + source +
                      " ORDER BY transactions.date DESC, transactions.id LIMIT ? OFFSET ?",
                      (*params, limit, offset)).fetchall()
    return list_response([transaction_json(row) for row in rows], total)


@bp.get("/events")
@token_required()
def list_events():
    """The user's event queue, oldest first, after the event id `after`."""
    after = row_id(request.args.get("after", "0"))
    if after is None:
        raise invalid_request("'after' must be an event id.")
    limit, _ = paging()
    total, rows = events_after(get_db(), current_user_id(), after, limit)
    return list_response([event_json(row) for row in rows], total)
