"""Shared plumbing of the Accounts API: errors, bodies, paging and the token checks."""
import functools

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import InsufficientScopeError
from flask import Blueprint, g, jsonify, make_response, request
from werkzeug.exceptions import HTTPException

from widget.sandbox import engine, idempotency
from widget.sandbox.clock import now
from widget.sandbox.db import db_for_writing, get_db
from widget.sandbox.oauth import protector
from widget.sandbox.users import find_user
from widget.sandbox.terms import CURRENT_VERSION

api = Blueprint("sandbox_api", __name__)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_ROW_NUMBER = 2**63 - 1  # SQLite's largest integer: beyond it, no row and no offset


class ApiError(Exception):
    """An error answer: `{"error", "error_description", ...extra}` with its status."""

    def __init__(self, status, error, description=None, headers=None, **extra):
        super().__init__(error)
        self.status = status
        self.body = {"error": error, **({"error_description": description} if description else {}),
                     **extra}
        self.headers = headers or {}


def not_found():
    return ApiError(404, "not_found")


def conflict(description):
    return ApiError(409, "conflict", description)


def invalid_request(description):
    return ApiError(400, "invalid_request", description)


@api.errorhandler(ApiError)
def answer_api_error(error):
    """Render an ApiError as JSON."""
    return jsonify(error.body), error.status, error.headers


@api.errorhandler(HTTPException)
def answer_http_error(error):
    """Keep werkzeug's errors (405, 413, an unexpected 500...) in the API's JSON shape."""
    names = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed",
             429: "too_many_requests", 500: "server_error"}
    body = {"error": names.get(error.code, "error"), "error_description": error.description}
    return jsonify(body), error.code


def json_body():
    """The request's JSON object, whatever the Content-Type said; anything else is a 400."""
    body = request.get_json(force=True, silent=True) if request.get_data() else {}
    if not isinstance(body, dict):
        raise invalid_request("The body must be a JSON object.")
    return body


def required_string(body, name):
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise invalid_request(f"'{name}' is required and must be a non-empty string.")
    return value


def optional_string(body, name):
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid_request(f"'{name}' must be a string.")
    return value


def paging():
    """(limit, offset) from the query string: limit 50 by default, at most 500."""
    try:
        limit = int(request.args.get("limit", DEFAULT_LIMIT))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise invalid_request("'limit' and 'offset' must be integers.") from None
    if limit < 1 or not 0 <= offset <= MAX_ROW_NUMBER:
        raise invalid_request("'limit' must be positive and 'offset' not negative.")
    return min(limit, MAX_LIMIT), offset


def row_id(value):
    """A path or query id as a row id; None when it cannot name a row."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ROW_NUMBER else None


def list_response(items, total):
    response = jsonify(items)
    response.headers["X-Total-Count"] = str(total)
    return response


def token_required(scope=None, user=True, terms=True):
    """Check the bearer token; with `user`, also that it is a user's who accepted the terms.

    The user's row goes to `g.sandbox_user`. User calls also bring the user's connections up
    to date first, since their progress is computed on read. A change sent with an
    `Idempotency-Key` is done once for its client and user (idempotency.py).
    """

    def decorator(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            token = _authenticated_token(scope)
            if user:
                g.sandbox_user = _token_user(token, terms)
                if terms:
                    engine.advance_user(get_db(), g.sandbox_user["id"], now(), db_for_writing)
            if idempotency.requested():
                owner = "%s:%s" % (token.client_id, token.user_id or "")
                return idempotency.answer_once(owner, lambda: _response(view, args, kwargs))
            return view(*args, **kwargs)

        return checked

    return decorator


def _response(view, args, kwargs):
    """The view's answer as a response, an ApiError's included (to be kept for its key)."""
    try:
        return make_response(view(*args, **kwargs))
    except ApiError as error:
        return make_response(answer_api_error(error))


class _Headers:
    """What Authlib's bearer check reads of a request: its headers. The resource protector's
    Flask wrapper also builds the request's URL and copies its headers, for nothing here (no one
    listens to its signal or reads the token it leaves in g): a look 5.13 -> 4.95 M instructions."""

    def __init__(self, headers):
        self.headers = headers


def _authenticated_token(scope):
    try:
        return protector.validate_request([scope] if scope else None, _Headers(request.headers))
    except InsufficientScopeError:
        raise ApiError(403, "insufficient_scope", f"This call needs the '{scope}' scope.") from None
    except OAuth2Error:
        raise ApiError(
            401, "invalid_token", "The access token is missing, unknown, expired or revoked.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


def _token_user(token, terms):
    account = find_user(token.user_id) if token.user_id is not None else None
    if account is None:
        raise ApiError(403, "forbidden", "This call needs a user's access token.")
    if terms and account["terms_version"] != CURRENT_VERSION:
        raise ApiError(
            401, "action_required", "The user must accept the current terms first.",
            action="ACCEPT_TERMS",
        )
    return account


def current_user_id():
    return g.sandbox_user["id"]
