"""The playground's HTTP calls, made exactly as an integrator's backend makes them.

Nothing here imports the sandbox or the widget: the Auth server, the Accounts API and the
widget's session API are reached over HTTP with `requests`, with the demo client's credentials.
They live in this process, so the calls go to the in-process transport's internal origin
(widget.upstream.in_process), never back through the server's socket nor to a request's host.
"""
from urllib.parse import quote

import requests
from flask import current_app

from widget.upstream import embedded_base_url
from widget.upstream.in_process import INTERNAL_ORIGIN, mount

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"
USER_SCOPE = "profile accounts_manage connections_manage connections_sync transactions_read"


class CallFailed(Exception):
    """A call without the expected answer: `status` is None when no answer came at all."""

    def __init__(self, status=None, error=None, description=None):
        super().__init__(status, error)
        self.status = status
        self.error = error
        self.description = description


def client_credentials():
    config = current_app.config
    return (config.get("PLAYGROUND_CLIENT_ID") or DEMO_CLIENT_ID,
            config.get("PLAYGROUND_CLIENT_SECRET") or DEMO_CLIENT_SECRET)


def _timeout():
    config = current_app.config
    return (config.get("UPSTREAM_CONNECT_TIMEOUT", 3.05), config.get("UPSTREAM_READ_TIMEOUT", 15))


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


def _send(method, url, expected, **kwargs):
    """The decoded JSON answer (None for an empty one); CallFailed for anything unexpected."""
    headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
    try:
        # A session per call: no cookie of one user's call can reach another's.
        response = mount(requests.Session()).request(method, url, headers=headers,
                                                     timeout=_timeout(), **kwargs)
    except requests.RequestException:
        raise CallFailed() from None
    body = _json(response)
    if response.status_code != expected:
        details = body if isinstance(body, dict) else {}
        raise CallFailed(response.status_code, details.get("error"),
                         details.get("error_description"))
    return body


def _expect(body, kind):
    """The body when it has the expected JSON type, else CallFailed (a garbled answer)."""
    if not isinstance(body, kind):
        raise CallFailed(502, "invalid_response")
    return body


def request_token(**grant):
    """A token answer of the Auth server for this grant (client authenticated with Basic)."""
    body = _send("POST", embedded_base_url("AUTH_BASE_URL") + "/token", 200, data=grant,
                 auth=client_credentials())
    body = _expect(body, dict)
    if not isinstance(body.get("access_token"), str):
        raise CallFailed(502, "invalid_response")
    return body


def create_user(email, password):
    """Create a sandbox user with a client token, as a Client's sign-up does."""
    client_token = request_token(grant_type="client_credentials", scope="users_create")
    _send("POST", api_url("/users"), 201, json={"email": email, "password": password},
          headers={"Authorization": "Bearer " + client_token["access_token"]})


def api_url(path):
    return embedded_base_url("API_BASE_URL") + path


def api_get(path, access_token, params=None):
    """GET on the Accounts API with the user's access token."""
    return _send("GET", api_url(path), 200, params=params,
                 headers={"Authorization": "Bearer " + access_token})


def api_post(path, access_token, expected, json=None):
    """POST on the Accounts API with the user's access token (a JSON body when one is given)."""
    return _send("POST", api_url(path), expected, json=json,
                 headers={"Authorization": "Bearer " + access_token})


def create_widget_session(fields):
    """POST /widget_session (form-encoded, HTTP Basic): the 201 answer's JSON."""
    body = _expect(_send("POST", INTERNAL_ORIGIN + "/widget_session", 201, data=fields,
                         auth=client_credentials()), dict)
    if not isinstance(body.get("session_id"), str) or not isinstance(body.get("_links"), dict):
        raise CallFailed(502, "invalid_response")
    return body


def widget_session_events(session_id):
    """The tracked events of one of our widget sessions, oldest first."""
    url = INTERNAL_ORIGIN + "/widget_session/" + quote(session_id, safe="") + "/events"
    return _expect(_send("GET", url, 200, auth=client_credentials()), list)
