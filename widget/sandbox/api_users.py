"""Accounts API: users and the terms they must accept."""
from flask import Blueprint, g, jsonify, request

from widget.sandbox.api import (
    conflict, current_user_id, invalid_request, json_body, required_string, token_required,
)
from widget.sandbox.clock import isoformat, now
from widget.sandbox.db import get_db
from widget.sandbox.users import create_user
from widget.sandbox.terms import CURRENT_VERSION, current_terms

bp = Blueprint("users", __name__)

MAX_EMAIL_LENGTH = 254


def user_json(user, with_terms=False):
    body = {"id": str(user["id"]), "email": user["email"],
            "creation_date": isoformat(user["creation_date"])}
    if with_terms:
        body["terms_accepted_version"] = user["terms_version"]
    return body


@bp.post("/users")
@token_required(scope="users_create", user=False)
def create():
    """Create a user (Client token with `users_create`)."""
    body = json_body()
    email = required_string(body, "email").strip()
    password = required_string(body, "password")
    local, _, domain = email.rpartition("@")
    if not local or "." not in domain or " " in email or len(email) > MAX_EMAIL_LENGTH:
        raise invalid_request("'email' is not a valid email address.")
    user = create_user(email, password)
    if user is None:
        raise conflict("A user with this email already exists.")
    return jsonify(user_json(user)), 201, {"Location": f"/users/{user['id']}"}


@bp.get("/users/me")
@token_required(scope="profile", terms=False)
def me():
    """The token's user, whether or not they accepted the terms."""
    return jsonify(user_json(g.sandbox_user, with_terms=True))


@bp.get("/terms")
@token_required(user=False)
def terms():
    """The current terms, in `locale` (fr by default)."""
    return jsonify(current_terms(request.args.get("locale")))


@bp.post("/users/me/terms")
@token_required(scope="profile", terms=False)
def accept_terms():
    """Accept the current terms; any other version is a 409."""
    version = required_string(json_body(), "version")
    if version != CURRENT_VERSION:
        raise conflict(f"The current terms version is {CURRENT_VERSION}.")
    accepted_at = now()
    get_db().execute(
        "UPDATE users SET terms_version = ?, terms_accepted_at = ? WHERE id = ?",
        (version, accepted_at, current_user_id()),
    )
    return jsonify({"version": version, "accepted_at": isoformat(accepted_at)})
