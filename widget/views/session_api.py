"""Server-to-server API: create, read the events of, and end widget sessions (DESIGN.md 3)."""
import re
import time
from datetime import datetime, timezone

from flask import Blueprint, current_app, g, jsonify, request

from widget import upstream
from widget.clients import client_registry
from widget.events import after, sequence_of
from widget.public_url import external_url
from widget.security import new_csrf_token
from widget.session_options import InvalidOption, parse_options, with_defaults
from widget.store import widget_sessions
from widget.upstream.auth_server import client_is_valid
from widget.views.registry import SPECS

bp = Blueprint("session_api", __name__)
# RFC 6750 2.1: a bearer token is a b64token. Checked before it goes into a header, where a
# control character would fail the request on the widget's side (not the token's fault).
B64TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")


def api_error(status, error, description):
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="widget"'
    return response


def unreachable(error, description):
    """503 for an upstream failure, whose cause goes to the log (the Client only sees this)."""
    upstream.log_failure(error, "503 to %s %s" % (request.method, request.url_rule.rule))
    return api_error(503, "temporarily_unavailable", description)


def request_values():
    """Query string, overridden by the body (form-encoded or JSON)."""
    values = request.args.to_dict()
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise InvalidOption("the JSON body must be an object")
        values.update({k: v for k, v in body.items() if v is not None})
    else:
        values.update(request.form.to_dict())
    return values


def authenticated_client(values):
    """The client id when its credentials are good, else None (NetworkError if unreachable)."""
    if request.authorization and request.authorization.type == "basic":
        client_id = request.authorization.username
        secret = request.authorization.password
    else:
        client_id, secret = values.get("client_id"), values.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        return None, None
    ok = client_is_valid(upstream.token_endpoint(), client_id, secret,
                         current_app.config["CLIENT_CHECK_CACHE_SECONDS"], upstream.timeouts())
    g.client_authenticated = ok  # only failures count against LIMIT_FAILED_AUTH_PER_IP
    return (client_id, secret) if ok else (None, None)


def _token_from(values):
    token = {"access_token": values["access_token"], "token_type": "Bearer"}
    if values.get("refresh_token"):
        token["refresh_token"] = str(values["refresh_token"])
    if values.get("expires_in") not in (None, ""):
        try:
            expires_in = int(values["expires_in"])
        except (TypeError, ValueError):
            raise InvalidOption("expires_in must be a whole number of seconds") from None
        if expires_in < 0:
            raise InvalidOption("expires_in must not be negative")
        token["expires_at"] = int(time.time()) + expires_in
    return token


@bp.post("/widget_session")
@bp.post("/widget/widget_session")
def create_widget_session():
    """Create a widget session for a user's tokens; answer its id and widget links."""
    try:
        values = request_values()
    except InvalidOption as exc:
        return api_error(400, "invalid_request", str(exc))
    try:
        client_id, secret = authenticated_client(values)
    except upstream.NetworkError as exc:
        return unreachable(exc, "the Auth server cannot be reached")
    if client_id is None:
        return api_error(401, "invalid_client", "client authentication failed")
    if not isinstance(values.get("access_token"), str) or not values["access_token"]:
        return api_error(400, "invalid_request", "access_token is required")
    if not B64TOKEN.fullmatch(values["access_token"]):
        return api_error(401, "invalid_token", "the access token was refused")
    registry = client_registry()
    try:
        options = with_defaults(parse_options(
            values, lambda url: registry.normalised_redirect(client_id, url)))
        token = _token_from(values)
    except InvalidOption as exc:
        return api_error(400, "invalid_request", str(exc))

    lifetime = current_app.config["WIDGET_SESSION_LIFETIME"]
    session = {"client_id": client_id, "client_secret": secret, "token": token,
               "options": options, "csrf_token": new_csrf_token()}
    try:
        user = upstream.api_for(session).me()
    except upstream.InvalidToken:
        return api_error(401, "invalid_token", "the access token was refused")
    except upstream.UpstreamError as exc:
        return unreachable(exc, "the Accounts API cannot be reached")
    expires_at = time.time() + lifetime
    if "refresh_token" not in session["token"] and "expires_at" in session["token"]:
        # Without a refresh token the session cannot outlive the access token.
        expires_at = min(expires_at, session["token"]["expires_at"])
    session["user_id"] = str(user.get("id", ""))
    session["expires_at_ts"] = expires_at
    session_id = widget_sessions().create(session)
    links = {spec.name: external_url("widgets.open_widget", name=spec.path, session_id=session_id)
             for spec in SPECS}
    iso = datetime.fromtimestamp(expires_at, timezone.utc).isoformat(timespec="seconds")
    response = jsonify({"session_id": session_id, "expires_at": iso.replace("+00:00", "Z"),
                        "_links": links})
    response.status_code = 201
    return response


def _owned_session(session_id):
    """(client error response, None) or (None, session) for the authenticated owner."""
    try:
        values = request_values()
        client_id, _ = authenticated_client(values)
    except InvalidOption as exc:
        return api_error(400, "invalid_request", str(exc)), None
    except upstream.NetworkError as exc:
        return unreachable(exc, "the Auth server cannot be reached"), None
    if client_id is None:
        return api_error(401, "invalid_client", "client authentication failed"), None
    session = widget_sessions().load(session_id)
    if session is None or session.get("client_id") != client_id:
        return api_error(404, "not_found", "no such session for this client"), None
    return None, session


@bp.get("/widget_session/<session_id>/events")
@bp.get("/widget/widget_session/<session_id>/events")
def session_events(session_id):
    """The session's tracked events, oldest first (those after `after` only), for its client."""
    error, session = _owned_session(session_id)
    if error:
        return error
    events = widget_sessions().events(session_id, session)
    if "after" in request.args:
        if sequence_of(request.args["after"]) is None:
            return api_error(400, "invalid_request",
                             "after must be an event id such as ev_00000003_9f2c4e1a0b7d3e55")
        events = after(events, request.args["after"])
    return jsonify(events)


@bp.delete("/widget_session/<session_id>")
@bp.delete("/widget/widget_session/<session_id>")
def end_session(session_id):
    """End a widget session: its links stop working at once."""
    error, _ = _owned_session(session_id)
    if error:
        return error
    widget_sessions().end(session_id)
    return "", 204
