"""user_input's steps after it opened (GET /widget/user_input): each view hands over to its flow."""
from flask import Blueprint, request

from widget.views.flow_steps import flow_step

bp = Blueprint("user_input", __name__, url_prefix="/widget/user_input")


@bp.get("/wait")
@flow_step("user_input", post=False)
def wait(flow):
    """A waiting screen polls here: for the challenge to come, its approval, or the sync."""
    return flow.poll()


@bp.post("/challenge")
@flow_step("user_input")
def submit_challenge(flow):
    """Send the answer to the bank's challenge."""
    return flow.submit_challenge(request.form.get("answer", ""))


@bp.post("/failed")
@flow_step("user_input")
def leave_failed(flow):
    """After a failed sync, back to the Client with result=error."""
    return flow.leave_failed()
