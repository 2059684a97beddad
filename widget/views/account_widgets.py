"""The professional-account and manage_accounts widgets' steps, handed to their flows."""
from flask import Blueprint, request

from widget.flows.steps import Screen
from widget.views.runs import widget_request

bp = Blueprint("account_widgets", __name__, url_prefix="/widget")


def _flow(ctx, widget):
    if ctx.run.get("widget") != widget or ctx.run.get("step") in (None, "done"):
        return None
    return ctx.flow(widget)


def _stale():
    """A step posted to a run that is over or was never started here."""
    return Screen("stale", status=409)


@bp.post("/professional-account/save")
@widget_request(post=True)
def save_professional_accounts(ctx):
    """Save which accounts are professional, with their companies."""
    flow = _flow(ctx, "professional_account")
    return flow.save(request.form) if flow else _stale()


@bp.post("/manage_accounts/review")
@widget_request(post=True)
def review_consents(ctx):
    """The checked accounts: what will change, before it is saved."""
    flow = _flow(ctx, "manage_accounts")
    return flow.review(request.form.getlist("account_id")) if flow else _stale()


@bp.post("/manage_accounts/change")
@widget_request(post=True)
def change_consents(ctx):
    """Back from the summary to the checklist."""
    flow = _flow(ctx, "manage_accounts")
    return flow.change() if flow else _stale()


@bp.post("/manage_accounts/confirm")
@widget_request(post=True)
def confirm_consents(ctx):
    """Save the consents; a sync starts for the consented accounts."""
    flow = _flow(ctx, "manage_accounts")
    return flow.confirm() if flow else _stale()
