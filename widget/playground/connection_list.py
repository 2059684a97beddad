"""The signed-in user's connections, read as a Client reads them: GET /connections, the banks'
names, and each connection's accounts, all over HTTP with the user's token.

What the home page's "Connections" section shows (templates/playground/_connections.html),
and whether that section must poll: while a connection synchronises or waits for the user.
"""
import hashlib
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from widget.i18n import account_type_label, channel_status_label
from widget.playground.connection_labels import (
    ACCOUNT_STATUSES, ACCOUNT_USAGES, CHANNEL_MODES, CONNECTION_STATUSES, date_label, label,
)
from widget.playground.http_calls import CallFailed
from widget.playground.messages import failure_message, message
from widget.playground.sandbox_user import SignInNeeded, api_get_as_user, current_user
from widget.playground.session_form import DEFAULT_MODE, MODES
from widget.public_url import public_base_url

# The widgets that take a connection_id, offered for each connection.
CONNECTION_WIDGETS = {
    "edit_credentials": _l("Edit credentials"),
    "user_input": _l("User input for a challenge"),
    "manage_accounts": _l("Manage accounts"),
    "professional_account": _l("Professional accounts"),
}
POLL_SECONDS = 3
# A connection is "busy" (the section polls) while it synchronises or waits for the user.
BUSY_CONNECTION_STATUSES = {"RUNNING"}
BUSY_CHANNEL_STATUSES = {"RUNNING", "CHALLENGE_REQUIRED"}

# Banks' names by (API root, provider id): they do not change, and each poll would read them.
_provider_names = {}
MAX_PROVIDER_NAMES = 1000


def dom_id(connection_id):
    """An HTML id for a connection, the same on every read (API ids may hold '.' or ':')."""
    return "c-" + hashlib.sha256(connection_id.encode()).hexdigest()[:12]


def sca_validity_seconds():
    """How long the sandbox keeps a strong authentication valid (for the page's hint)."""
    try:
        return int(current_app.config.get("SANDBOX_SCA_VALIDITY", 300))
    except (TypeError, ValueError):
        return 300


def provider_name(provider_id):
    """The bank's name (GET /providers/<id>), or its id when it cannot be read."""
    if not isinstance(provider_id, str) or not provider_id:
        return ""
    key = (public_base_url(), provider_id)
    if key in _provider_names:
        return _provider_names[key]
    try:
        provider = api_get_as_user("/providers/" + quote(provider_id, safe=""))
    except (CallFailed, SignInNeeded):
        return provider_id  # a bank that is down (Banque Panne): its id says enough
    name = provider.get("name") if isinstance(provider, dict) else None
    if not isinstance(name, str) or not name:
        return provider_id
    if len(_provider_names) >= MAX_PROVIDER_NAMES:
        _provider_names.clear()
    _provider_names[key] = name
    return name


def channel_view(channel):
    status = channel.get("status")
    challenge = channel.get("challenge") if isinstance(channel.get("challenge"), dict) else None
    return {
        "mode": channel.get("mode"),
        "mode_label": label(CHANNEL_MODES, channel.get("mode")),
        "status": status,
        "status_label": channel_status_label(status),
        "definition": channel.get("channel_definition_id"),
        "login": channel.get("login") if isinstance(channel.get("login"), str) else None,
        "challenge_pending": status == "CHALLENGE_REQUIRED"
        or bool(challenge and challenge.get("status") == "PENDING"),
        "busy": status in BUSY_CHANNEL_STATUSES,
    }


def account_view(account):
    return {
        "name": account.get("name"),
        "type_label": account_type_label(account.get("type")),
        "status": account.get("status"),
        "status_label": label(ACCOUNT_STATUSES, account.get("status")),
        "usage": account.get("usage"),
        "usage_label": label(ACCOUNT_USAGES, account.get("usage")),
        "company_name": account.get("company_name"),
    }


def connection_accounts(connection_id, messages):
    """The connection's accounts; None (and one message per read) when they cannot be read."""
    try:
        accounts = api_get_as_user("/accounts", {"connection_id": connection_id})
        if not isinstance(accounts, list):
            raise CallFailed(502, "invalid_response")
    except CallFailed as exc:
        failure = failure_message(exc, _("Reading the connection's accounts"))
        if failure not in messages:
            messages.append(failure)
        return None
    return [account_view(account) for account in accounts if isinstance(account, dict)]


def connection_view(connection, messages):
    connection_id = str(connection.get("id", ""))
    sync = connection.get("sync") if isinstance(connection.get("sync"), dict) else {}
    channels = [channel_view(channel) for channel in connection.get("channels") or []
                if isinstance(channel, dict)]
    status = connection.get("status")
    return {
        "id": connection_id,
        "dom_id": dom_id(connection_id),
        "provider_id": connection.get("provider_id"),
        "provider_name": provider_name(connection.get("provider_id")),
        "status": status,
        "status_label": label(CONNECTION_STATUSES, status),
        "last_sync_date": connection.get("last_sync_date"),
        "last_sync_label": date_label(connection.get("last_sync_date")),
        "step": sync.get("step") if status == "RUNNING" else None,
        "steps_total": sync.get("steps_total"),
        "sync_error": sync.get("error") if status == "FAILED" else None,
        "channels": channels,
        "challenge_pending": any(channel["challenge_pending"] for channel in channels),
        "busy": status in BUSY_CONNECTION_STATUSES or any(c["busy"] for c in channels),
        "accounts": connection_accounts(connection_id, messages),
    }


def live_summary(connections, messages):
    """One line for screen readers, announced by the page when it changes after a poll."""
    parts = [m["text"] for m in messages]
    for connection in connections or ():
        parts.append(_("%(bank)s: %(status)s.", bank=connection["provider_name"],
                       status=connection["status_label"]))
    return " ".join(str(part) for part in parts)


def read_connections(messages):
    """Every connection of the user, each with its bank's name and its accounts."""
    connections = api_get_as_user("/connections")
    if not isinstance(connections, list):
        raise CallFailed(502, "invalid_response")
    return [connection_view(connection, messages) for connection in connections
            if isinstance(connection, dict)]


def load_section(messages=()):
    """What the Connections section shows; `messages` come first (e.g. a sync's answer).

    `state` is `signed_out`, `terms` (the user has not accepted the terms yet), `failed`
    (with `sign_in_again` when the user's tokens are no longer valid) or `listed`. The
    section polls only while `busy`.
    """
    messages = list(messages)
    section = {"state": "listed", "connections": None, "messages": messages,
               "sign_in_again": False, "busy": False, "poll_seconds": POLL_SECONDS,
               "widget_choices": CONNECTION_WIDGETS, "modes": MODES, "default_mode": DEFAULT_MODE,
               "sca_validity": sca_validity_seconds()}
    if current_user() is None:
        section["state"] = "signed_out"
    else:
        try:
            views = read_connections(messages)
        except SignInNeeded:
            section.update(state="failed", sign_in_again=True)
            messages.append(message(_("The user's tokens are no longer valid (the widget may "
                                      "have renewed them): sign in again.")))
        except CallFailed as exc:
            if exc.status == 401 and exc.error == "action_required":
                section["state"] = "terms"
            else:
                section.update(state="failed",
                               sign_in_again=exc.status == 401 and exc.error == "invalid_token")
                messages.append(failure_message(exc, _("Reading the user's connections")))
        else:
            section.update(connections=views, busy=any(view["busy"] for view in views))
    section["live"] = live_summary(section["connections"], messages)
    return section
