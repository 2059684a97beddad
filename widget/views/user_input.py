"""user_input's steps after it opened (GET /widget/user_input): each view hands over to its flow."""
from flask import Blueprint, request

from widget.flows.steps import Screen
from widget.views.runs import widget_request

bp = Blueprint("user_input", __name__, url_prefix="/widget/user_input")


def _flow(ctx):
    if ctx.run.get("widget") != "user_input" or ctx.run.get("step") in (None, "done"):
        return None
    return ctx.flow("user_input")


def _stale():
    """A step posted to a run that is over or was never started here."""
    return Screen("stale", status=409)


@bp.get("/wait")
@widget_request()
def wait(ctx):
    """A waiting screen polls here: for the challenge to come, its approval, or the sync."""
    flow = _flow(ctx)
    return flow.poll() if flow else _stale()


@bp.post("/challenge")
@widget_request(post=True)
def submit_challenge(ctx):
    """Send the answer to the bank's challenge."""
    flow = _flow(ctx)
    return flow.submit_challenge(request.form.get("answer", "")) if flow else _stale()


@bp.post("/failed")
@widget_request(post=True)
def leave_failed(ctx):
    """After a failed sync, back to the Client with result=error."""
    flow = _flow(ctx)
    return flow.leave_failed() if flow else _stale()
