"""The fake bank portal of REDIRECT channels: login, approve or deny, back with a code."""
from authlib.common.urls import add_params_to_uri
from flask import Blueprint, redirect, render_template, request

from widget.sandbox import bank_authorizations
from widget.sandbox.clock import now
from widget.sandbox.db import get_db
from widget.sandbox.portal_texts import portal_texts
from widget.sandbox.providers import find_provider
from widget.sandbox.scenarios import WRONG_PASSWORD

bp = Blueprint("sandbox_bank", __name__)


def _visit():
    """(texts, the pending portal visit or None, its bank) for this request's `request` id."""
    request_id = request.values.get("request", "")
    db = get_db()
    visit = bank_authorizations.pending_request(db, request_id, now())
    bank = find_provider(db, visit["provider_id"]) if visit else None
    return portal_texts(), visit, bank


def _invalid(texts):
    return render_template("sandbox/message.html", texts=texts, title=texts["request_invalid"],
                           message=texts["request_invalid_text"]), 400


@bp.route("/authorize", methods=["GET", "POST"], endpoint="login")
def login():
    """The bank's login page; any password works except `wrong`, the login picks the scenario."""
    texts, visit, bank = _visit()
    if visit is None:
        return _invalid(texts)
    if request.method == "GET":
        return render_template("sandbox/bank_login.html", texts=texts, bank=bank,
                               request_id=visit["id"])
    username = request.form.get("login", "").strip()
    if not username or request.form.get("password", "") in ("", WRONG_PASSWORD):
        return render_template("sandbox/bank_login.html", texts=texts, bank=bank,
                               request_id=visit["id"], login=username,
                               error=texts["wrong_password"]), 401
    bank_authorizations.record_login(get_db(), visit["id"], username)
    return render_template("sandbox/bank_consent.html", texts=texts, bank=bank,
                           request_id=visit["id"], login=username)


@bp.post("/consent")
def consent():
    """Approve (back with `code` and `state`) or deny (back with `error=access_denied`)."""
    texts, visit, _ = _visit()
    if visit is None or visit["login"] is None:
        return _invalid(texts)
    db = get_db()
    if request.form.get("decision") == "approve":
        params = [("code", bank_authorizations.issue_code(db, visit["id"], now()))]
    else:
        bank_authorizations.close_request(db, visit["id"])
        params = [("error", "access_denied")]
    params.append(("state", visit["state"] or ""))
    return redirect(add_params_to_uri(visit["redirect_uri"], params), code=303)
