"""The return page: what the widget sent back, the session's events, the connection's accounts."""
import hmac

from flask import make_response, render_template, request, session
from flask_babel import gettext as _

from widget.playground import bp, http_calls
from widget.playground.home import RUN_KEY
from widget.playground.http_calls import CallFailed
from widget.playground.messages import failure_message, message
from widget.playground.sandbox_user import SignInNeeded, api_get_as_user, current_user
from widget.upstream.ids import valid_connection_id
from widget.vary import vary_on

RESULT_PARAMS = ("result", "widget", "connection_id", "state", "error", "error_description")
CONNECTIONS_KEY = "playground_connections"
# Each account costs a call for its transactions: a `many` user has 25 accounts.
MAX_ACCOUNTS_WITH_TRANSACTIONS = 10


def state_check(sent, received):
    """match, mismatch, missing (sent, not returned), unexpected (returned, not sent) or none."""
    if sent is None:
        return "unexpected" if received is not None else "none"
    if received is None:
        return "missing"
    return "match" if hmac.compare_digest(sent.encode(), received.encode()) else "mismatch"


def session_events(run, messages):
    """The widget session's events over HTTP, or None when there are none to show."""
    if not run.get("session_id"):
        return None
    try:
        return http_calls.widget_session_events(run["session_id"])
    except CallFailed as exc:
        if exc.status == 404:
            messages.append(message(_("This widget session has ended or expired: "
                                      "its events can no longer be read."), level="info"))
        else:
            messages.append(failure_message(exc, _("Reading the widget session's events")))
    return None


def remember_connection(connection_id):
    """Offered again in the form's connection list, most recent first."""
    known = [cid for cid in session.get(CONNECTIONS_KEY) or [] if cid != connection_id]
    session[CONNECTIONS_KEY] = [connection_id, *known][:10]


def connection_accounts(connection_id, messages):
    """The connection's accounts, each with its latest transactions, read as the user."""
    if not connection_id:
        return None
    if not valid_connection_id(connection_id):
        messages.append(message(_("The connection id in the address is not valid.")))
        return None
    if current_user() is None:
        messages.append(message(
            _("Sign in as the sandbox user to read this connection's accounts."), level="info"))
        return None
    doing = _("Reading the connection's accounts")
    try:
        accounts = api_get_as_user("/accounts", {"connection_id": connection_id})
        if not isinstance(accounts, list):
            raise CallFailed(502, "invalid_response")
    except (CallFailed, SignInNeeded) as exc:
        messages.append(failure_message(exc, doing))
        return None
    accounts = [dict(account) for account in accounts if isinstance(account, dict)]
    remember_connection(connection_id)
    for account in accounts[:MAX_ACCOUNTS_WITH_TRANSACTIONS]:
        account["transactions"] = latest_transactions(account.get("id"), messages)
    return accounts


def latest_transactions(account_id, messages):
    """The account's five latest transactions; None (and one message per page) on failure."""
    try:
        transactions = api_get_as_user("/transactions", {"account_id": account_id, "limit": 5})
    except (CallFailed, SignInNeeded) as exc:
        failure = failure_message(exc, _("Reading the transactions"))
        if failure not in messages:
            messages.append(failure)
        return None
    if not isinstance(transactions, list):
        return []
    return [transaction for transaction in transactions if isinstance(transaction, dict)]


def in_a_frame():
    """True when the browser says this page loads in an iframe (fetch metadata).

    In iframe mode the widget sends its own frame here: the page around it shows the result,
    so the frame gets the result alone, with a link to the whole page.
    """
    return request.headers.get("Sec-Fetch-Dest") == "iframe"


@bp.get("/playground/return")
def return_page():
    """Where the widget sends the user back: result, state check, events and accounts."""
    returned = {name: request.args.get(name, "")[:1000] for name in RESULT_PARAMS}
    run = session.get(RUN_KEY) or {}
    messages = []
    compact = in_a_frame()
    context = {
        "returned": returned,
        "run": run,
        "compact": compact,
        "state_check": state_check(run.get("state"), request.args.get("state")),
        "max_accounts_with_transactions": MAX_ACCOUNTS_WITH_TRANSACTIONS,
    }
    if compact:
        if valid_connection_id(returned["connection_id"]):
            remember_connection(returned["connection_id"])
    else:
        context["events"] = session_events(run, messages)
        context["accounts"] = connection_accounts(returned["connection_id"], messages)
    response = make_response(render_template("playground/return.html", messages=messages,
                                             **context))
    vary_on(response, "Sec-Fetch-Dest")
    return response
