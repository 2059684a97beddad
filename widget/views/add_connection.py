"""add_connection's steps: each view hands the request to AddConnectionFlow."""
from flask import Blueprint, g, request, url_for

from widget.flows.steps import Screen
from widget.htmx import header, is_htmx, redirect_to, render_screen
from widget.public_url import external_url
from widget.returns import return_url
from widget.store import widget_sessions
from widget.views.flow_steps import flow_step, run_flow, stale
from widget.views.registry import BY_NAME, CONNECTING, PROVIDER_RESULTS
from widget.views.runs import widget_request

bp = Blueprint("add_connection", __name__, url_prefix="/widget/add_connection")


def _callback_uri():
    # The same URL in the authorize request and in the code exchange: the bank checks both.
    return external_url("add_connection.bank_callback")


@bp.get("/providers")
@flow_step(*CONNECTING, post=False, read_first=True)
def search_providers(flow):
    """The provider list, filtered by the search box (a fragment for htmx, else the page)."""
    try:
        page = max(0, min(int(request.args.get("page", 0)), 1000))
    except ValueError:
        page = 0
    screen = flow.providers(search=request.args.get("q", ""), page=page)
    if is_htmx() and header("HX-Target") == PROVIDER_RESULTS:
        screen.name = "provider_results"
    return screen


@bp.post("/provider")
@flow_step(*CONNECTING)
def select_provider(flow):
    """The user picked a bank (or asked to try it again)."""
    return flow.choose_provider(request.form.get("provider_id", "")[:200])


@bp.post("/duplicate")
@flow_step(*CONNECTING)
def answer_duplicate(flow):
    """The user, already connected to the bank, chose to update that connection or add one."""
    if not hasattr(flow, "answer_duplicate"):  # edit_credentials never asks
        return flow.resume()
    return flow.answer_duplicate(request.form.get("choice", "")[:20])


@bp.post("/back")
@flow_step(*CONNECTING)
def back_to_providers(flow):
    """Back to the provider list from a bank's screen."""
    return flow.back_to_providers()


@bp.post("/channel")
@flow_step(*CONNECTING)
def choose_channel(flow):
    """The user chose which accounts to add (select_channel)."""
    return flow.choose_channel(request.form.get("channel_definition_id", "")[:200])


@bp.post("/edit_channel")
@flow_step("edit_credentials")
def edit_channel(flow):
    """edit_credentials: the channel to renew, or the missing one to add."""
    return flow.edit_channel(request.form.get("channel_definition_id", "")[:200])


@bp.post("/bank")
@widget_request(post=True)
def go_to_bank(ctx):
    """Off to the bank's portal, at top level, with a state only this run accepts back."""
    flow = run_flow(ctx, CONNECTING)
    if flow is None:
        return stale()
    outcome = flow.go_to_bank(widget_sessions().new_id(), _callback_uri(), ctx.run.locale)
    if ctx.run.bank_state:
        widget_sessions().bank_states.bind(ctx.run.bank_state, ctx.session_id, ctx.data["expires_at_ts"])
    return outcome


def _session_of_state():
    """The session waiting for the callback's `state`; None for a spent, unknown or foreign one."""
    record = widget_sessions().bank_states.record(request.args.get("state")) or {}
    claimed = request.args.get("session_id")
    if record.get("spent") or (claimed and claimed != record.get("session_id")):
        record = {}  # used already, or issued for another session than the one named
    return record.get("session_id")


def _language_of_session(*session_ids):
    """Speak the language of the first of these sessions that is known, for an error page."""
    for session_id in session_ids:
        data = widget_sessions().load(session_id) if session_id else None
        if data:
            g.run_locale = (data.get("run") or {}).get("locale") or data["options"].get("locale")
            return


@bp.get("/callback")
def bank_callback():
    """The bank sends the user back here with `code` (or `error`) and the `state` it was given."""
    g.bank_session_id = _session_of_state()
    if not g.bank_session_id:
        record = widget_sessions().bank_states.record(request.args.get("state")) or {}
        _language_of_session(request.args.get("session_id"), record.get("session_id"))
        return render_screen("widget/screens/bank_callback_invalid.html", status=400)
    return _bank_callback()


@widget_request(session_id_from=lambda: g.bank_session_id)
def _bank_callback(ctx):
    flow = run_flow(ctx, CONNECTING)
    state = request.args.get("state", "")
    outcome = flow and flow.bank_callback(state, request.args.get("code", "")[:2000],
                                          request.args.get("error", "")[:200], _callback_uri())
    if outcome is None:
        return Screen("bank_callback_invalid", status=400)
    widget_sessions().bank_states.spend(state, ctx.session_id, ctx.data["expires_at_ts"])
    # Never a page on this URL: a reload would replay the code. The widget resumes instead,
    # inside the Client's page when it hosts the widget in an iframe (DESIGN.md section 6).
    options = ctx.run.options
    aspsp_callback_uri = options.get("aspsp_callback_uri")
    if aspsp_callback_uri:
        params = {"session_id": ctx.session_id}
        if options.get("state") is not None:
            params["state"] = options["state"]
        return redirect_to(return_url(aspsp_callback_uri, params))
    return redirect_to(url_for("widgets.open_widget", name=BY_NAME[ctx.run.widget].path,
                               session_id=ctx.session_id,
                               connection_id=options.get("connection_id")))


@bp.post("/credentials")
@flow_step(*CONNECTING)
def submit_credentials(flow):
    """Send the credential form to the bank through the API."""
    return flow.submit_credentials(request.form)


@bp.post("/challenge")
@flow_step(*CONNECTING)
def submit_challenge(flow):
    """Send the answer to the bank's challenge."""
    return flow.submit_challenge(request.form.get("answer", ""))


@bp.get("/wait")
@flow_step(*CONNECTING, post=False)
def wait(flow):
    """A waiting screen polls here: app validation or synchronisation."""
    return flow.poll()


@bp.post("/consent")
@flow_step(*CONNECTING)
def consent(flow):
    """The user consents to share the accounts (those checked, with select_accounts)."""
    return flow.consent(request.form.getlist("account_id"))


@bp.post("/next_channel")
@flow_step(*CONNECTING)
def add_next_channel(flow):
    """multiple_channels: the user adds the provider's other channel."""
    return flow.add_next_channel()


@bp.post("/skip_channel")
@flow_step(*CONNECTING)
def skip_next_channel(flow):
    """multiple_channels: the user does not add the other channel."""
    return flow.skip_next_channel()


@bp.post("/failed")
@flow_step(*CONNECTING)
def leave_failed(flow):
    """After a failed sync, back to the Client with result=error."""
    return flow.leave_failed()
