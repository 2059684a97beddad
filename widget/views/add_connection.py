"""add_connection's steps: each view hands the request to AddConnectionFlow."""
from flask import Blueprint, request

from widget.flows.steps import Screen
from widget.views.runs import widget_request

bp = Blueprint("add_connection", __name__, url_prefix="/widget/add_connection")


def _flow(ctx):
    if ctx.run.get("widget") != "add_connection" or ctx.run.get("step") == "done":
        return None
    return ctx.flow("add_connection")


def _stale():
    """A step posted to a run that is over or was never started here."""
    return Screen("stale", status=409)


@bp.get("/providers")
@widget_request()
def search_providers(ctx):
    """The provider list, filtered by the search box (a fragment for htmx, else the page)."""
    flow = _flow(ctx)
    if flow is None:
        return _stale()
    try:
        page = max(0, min(int(request.args.get("page", 0)), 1000))
    except ValueError:
        page = 0
    screen = flow.providers(search=request.args.get("q", ""), page=page)
    if request.headers.get("HX-Target") == "provider-results":
        screen.name = "provider_results"
    return screen


@bp.post("/provider")
@widget_request(post=True)
def select_provider(ctx):
    """The user picked a bank (or asked to try it again)."""
    flow = _flow(ctx)
    return flow.choose_provider(request.form.get("provider_id", "")[:200]) if flow else _stale()


@bp.post("/back")
@widget_request(post=True)
def back_to_providers(ctx):
    """Back to the provider list from a bank's screen."""
    flow = _flow(ctx)
    if flow is None or ctx.run.get("connection_id") or ctx.run["options"].get("provider_id"):
        return flow.resume() if flow else _stale()
    return flow.providers()


@bp.post("/credentials")
@widget_request(post=True)
def submit_credentials(ctx):
    """Send the credential form to the bank through the API."""
    flow = _flow(ctx)
    return flow.submit_credentials(request.form) if flow else _stale()


@bp.post("/challenge")
@widget_request(post=True)
def submit_challenge(ctx):
    """Send the answer to the bank's challenge."""
    flow = _flow(ctx)
    return flow.submit_challenge(request.form.get("answer", "")) if flow else _stale()


@bp.get("/wait")
@widget_request()
def wait(ctx):
    """A waiting screen polls here: app validation or synchronisation."""
    flow = _flow(ctx)
    return flow.poll() if flow else _stale()


@bp.post("/consent")
@widget_request(post=True)
def consent(ctx):
    """The user consents to share the accounts; the synchronisation starts."""
    flow = _flow(ctx)
    return flow.consent() if flow else _stale()
