"""What the page says about a failed call: a translated sentence, plus the API's own words."""
from flask import flash
from flask_babel import gettext as _

from widget.playground.sandbox_user import SignInNeeded


def message(text, level="error", detail=None):
    return {"level": level, "text": text, "detail": detail}


def call_detail(exc):
    """`HTTP 400 invalid_request: ...` as the API answered it (developer text, kept as is)."""
    if exc.status is None:
        return None
    detail = "HTTP %d" % exc.status
    if exc.error:
        detail += " " + str(exc.error)
    if exc.description:
        detail += ": " + str(exc.description)
    return detail


def failure_message(exc, doing):
    """A message for CallFailed or SignInNeeded; `doing` names what failed, already translated."""
    if isinstance(exc, SignInNeeded):
        return message(_("Sign in as a sandbox user (or create one) first: "
                         "there are no valid tokens."))
    if exc.status is None:
        text = _("%(doing)s: the server could not be reached. Is the sandbox running?",
                 doing=doing)
    elif exc.status == 401 and exc.error == "invalid_client":
        text = _("%(doing)s: the demo client's credentials were refused.", doing=doing)
    elif exc.status == 401 and exc.error == "invalid_token":
        text = _("%(doing)s: the user's access token was refused. Sign in again.", doing=doing)
    elif exc.status == 401 and exc.error == "action_required":
        text = _("%(doing)s: the user has not accepted the terms yet (open a widget first).",
                 doing=doing)
    elif exc.status >= 500:
        text = _("%(doing)s: the server answered with an error.", doing=doing)
    else:
        text = _("%(doing)s: the request was refused.", doing=doing)
    return message(text, detail=call_detail(exc))


def failure_status(exc):
    """The playground's own status: 502 when the far end failed, 400 when it refused us."""
    if isinstance(exc, SignInNeeded):
        return 400
    return 502 if exc.status is None or exc.status >= 500 else 400


def flash_message(msg):
    flash(msg, "playground")
