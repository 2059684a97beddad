"""The professional-account and manage_accounts widgets' steps, handed to their flows."""
from flask import Blueprint, request

from widget.views.flow_steps import flow_step

bp = Blueprint("account_widgets", __name__, url_prefix="/widget")


@bp.post("/professional-account/save")
@flow_step("professional_account")
def save_professional_accounts(flow):
    """Save which accounts are professional, with their companies."""
    return flow.save(request.form)


@bp.post("/manage_accounts/review")
@flow_step("manage_accounts")
def review_consents(flow):
    """The checked accounts: what will change, before it is saved."""
    return flow.review(request.form.getlist("account_id"))


@bp.post("/manage_accounts/change")
@flow_step("manage_accounts")
def change_consents(flow):
    """Back from the summary to the checklist."""
    return flow.change()


@bp.post("/manage_accounts/confirm")
@flow_step("manage_accounts")
def confirm_consents(flow):
    """Save the consents; a sync starts for the consented accounts."""
    return flow.confirm()
