"""The sandbox user: create one, sign in as one, sign out."""
import re

from flask import redirect, request, url_for
from flask_babel import gettext as _

from widget.playground import bp, sandbox_user
from widget.playground.csrf import csrf_valid
from widget.playground.home import csrf_refused, render_home
from widget.playground.http_calls import CallFailed
from widget.playground.messages import (failure_message, failure_status, flash_message,
                                        message)
from widget.playground.page_helpers import lang_args

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def back_home():
    return redirect(url_for("playground.home", **lang_args()), code=303)


@bp.post("/playground/user/new")
def create_user():
    """Create a sandbox user with random credentials, and sign in as that user."""
    if not csrf_valid():
        return csrf_refused()
    try:
        email, password = sandbox_user.sign_up()
    except CallFailed as exc:
        return render_home(failure_status(exc),
                           messages=[failure_message(exc, _("Creating the sandbox user"))])
    # Rendered rather than redirected: the password is shown this once and stored nowhere.
    created = message(_("Sandbox user %(email)s created; you are signed in.", email=email),
                      level="success")
    return render_home(201, messages=[created], new_account={"email": email, "password": password})


@bp.post("/playground/user/sign-in")
def sign_in():
    """Sign in as an existing sandbox user (the password grant)."""
    email = request.form.get("email", "").strip()[:254]
    password = request.form.get("password", "")
    if not csrf_valid():
        return csrf_refused(sign_in_email=email)
    if not EMAIL.match(email) or not password:
        refused = message(_("Give the user's email address and password."))
        return render_home(400, messages=[refused], sign_in_email=email)
    try:
        sandbox_user.sign_in(email, password)
    except CallFailed as exc:
        if exc.status == 400 and exc.error == "invalid_grant":
            failure = message(_("Wrong email or password."))
        else:
            failure = failure_message(exc, _("Signing in"))
        return render_home(failure_status(exc), messages=[failure], sign_in_email=email)
    flash_message(message(_("Signed in as %(email)s.", email=email), level="success"))
    return back_home()


@bp.post("/playground/user/sign-out")
def sign_out():
    """Forget the sandbox user's tokens."""
    if not csrf_valid():
        return csrf_refused()
    sandbox_user.forget_user()
    flash_message(message(_("Signed out."), level="success"))
    return back_home()
