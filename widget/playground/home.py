"""The playground's home page, and the creation of a widget session from its form."""
from flask import get_flashed_messages, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from widget.playground import bp, http_calls
from widget.playground.connection_list import load_section
from widget.playground.csrf import csrf_valid
from widget.playground.http_calls import CallFailed
from widget.playground.messages import failure_message, failure_status, message
from widget.playground.page_helpers import explicit_language, lang_args, return_page_url
from widget.playground.sandbox_user import SignInNeeded, current_user, fresh_user, seconds_left
from widget.playground.session_form import (BOOLEAN_OPTIONS, MODES, THEME_CHOICES, WIDGETS,
                                            api_fields, default_values, read_form, widget_url)
from widget.public_url import external_url

RUN_KEY = "playground_run"


def render_home(status=200, values=None, messages=(), **extra):
    """The home page; `values` re-fills the widget session form after a refused submission."""
    user = current_user()
    shown = [*get_flashed_messages(category_filter=["playground"]), *messages]
    context = {
        "user": user,
        "seconds_left": seconds_left(user) if user else None,
        "values": values or default_values(return_page_url(), explicit_language() or ""),
        "widgets": WIDGETS,
        "boolean_options": BOOLEAN_OPTIONS,
        "theme_choices": THEME_CHOICES,
        "modes": MODES,
        "messages": shown,
        "last_run": session.get(RUN_KEY),
        "known_connections": session.get("playground_connections") or [],
        "sign_in_email": "",
        "new_account": None,
        "connections_section": load_section(),
        "fragment_only": False,
        **extra,
    }
    return render_template("playground/index.html", **context), status


def csrf_refused(**context):
    return render_home(400, messages=[message(_("This form has expired. Please send it again."))],
                       **context)


@bp.get("/")
def home():
    """The playground: who the sandbox user is, and every option of a widget session."""
    return render_home()


@bp.post("/playground/widget-session")
def create_widget_session():
    """Create a widget session over HTTP, as a Client's backend does, then open its widget."""
    values, problems = read_form(request.form)
    if not csrf_valid():
        return csrf_refused(values=values)
    if problems:
        return render_home(400, values, [message(text) for text in problems])
    return open_widget(values)


def open_widget(values, form_values=None):
    """POST /widget_session with these checked values, then send the browser to the widget.

    Full page: to the widget link; iframe or popup: to the playground page hosting it. A
    failure re-renders the home page, its form showing `form_values` (default: `values`).
    """
    form_values = values if form_values is None else form_values
    # The page that shows this widget (iframe or popup mode), without the session id: the
    # widget adds it when it sends the top window back there after a bank's redirect.
    host_args = {"widget": values["widget"], **lang_args()}
    if values["connection_id"]:
        host_args["connection_id"] = values["connection_id"]
    try:
        user = fresh_user()
        fields = api_fields(values, user, seconds_left(user),
                            embed_page_url=external_url("playground.embed", **host_args))
        answer = http_calls.create_widget_session(fields)
    except (CallFailed, SignInNeeded) as exc:
        return render_home(failure_status(exc), form_values,
                           [failure_message(exc, _("Creating the widget session"))])
    url = widget_url(answer["_links"], values["widget"], values["connection_id"])
    if url is None:
        no_link = message(_("The widget's answer has no link for this widget."))
        return render_home(502, form_values, [no_link])
    # Kept to check the state and read the events when the widget sends the user back.
    session[RUN_KEY] = {"session_id": answer["session_id"], "state": values["state"] or None,
                        "widget": values["widget"], "mode": values["mode"]}
    if values["mode"] == "page":
        return redirect(url, code=303)
    host = "playground.embed" if values["mode"] == "iframe" else "playground.popup"
    return redirect(url_for(host, session_id=answer["session_id"], **host_args), code=303)
