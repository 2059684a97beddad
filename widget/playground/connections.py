"""The Connections section's routes: its fragment (polled by htmx), a widget opened for one
connection in any mode, and a synchronisation started by the Client (the playground).

Every answer is the whole home page for a plain request and the section's list alone for
htmx (`Vary: HX-Request`); every form also works without JavaScript.
"""
from urllib.parse import quote

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from widget.htmx import is_htmx
from widget.playground import bp
from widget.playground.connection_list import CONNECTION_WIDGETS, load_section
from widget.playground.csrf import csrf_valid
from widget.playground.home import csrf_refused, open_widget, render_home
from widget.playground.http_calls import CallFailed
from widget.playground.messages import (call_detail, failure_message, failure_status,
                                        flash_message, message)
from widget.playground.page_helpers import explicit_language, lang_args, return_page_url
from widget.playground.sandbox_user import SignInNeeded, api_get_as_user, api_post_as_user
from widget.playground.session_form import MAX_TEXT, MODES, default_values
from widget.upstream.ids import valid_connection_id
from widget.vary import vary_on

SECTION_ANCHOR = "#connections-title"


def render_list(status=200, messages=()):
    """The section's list alone (what htmx swaps in), with `messages` at its top."""
    body = render_template("playground/_connections.html", fragment_only=True,
                           connections_section=load_section(messages))
    return body, status


def answer(status=200, messages=()):
    """The list for htmx, else the home page with `messages` at its top."""
    if is_htmx():
        body, status = render_list(status, messages)
    else:
        body, status = render_home(status, messages=list(messages))
    response = make_response(body, status)
    vary_on(response, "HX-Request")
    return response


def back_to_section():
    return redirect(url_for("playground.home", **lang_args()) + SECTION_ANCHOR, code=303)


def posted_connection_id():
    return request.form.get("connection_id", "").strip()[:MAX_TEXT]


def no_such_connection(connection_id):
    return message(_("The user has no connection %(id)s: it may have been deleted.",
                     id=connection_id))


def tokens_gone():
    return message(_("The user's tokens are no longer valid (the widget may have renewed them): "
                     "sign in again."))


@bp.get("/playground/connections")
def connections():
    """The user's connections: the list alone for htmx (its polling), else the home page."""
    return answer()


@bp.post("/playground/connections/widget-session")
def open_connection_widget():
    """Create a widget session and open a widget that takes this connection, in a mode."""
    connection_id = posted_connection_id()
    widget = request.form.get("widget", "").strip()[:MAX_TEXT]
    mode = request.form.get("mode", "").strip()[:MAX_TEXT]
    if not csrf_valid():
        return csrf_refused()
    problems = []
    if not valid_connection_id(connection_id):
        problems.append(_("The form sent no valid connection id."))
    if widget not in CONNECTION_WIDGETS:
        problems.append(_("Choose one of the widgets that take a connection."))
    if mode not in MODES:
        problems.append(_("Choose how to open the widget: full page, iframe or popup."))
    if problems:
        return render_home(400, messages=[message(text) for text in problems])
    # As a Client would: only a connection the user has (the widget would end with
    # invalid_connection otherwise, which the main form lets anyone try).
    try:
        api_get_as_user("/connections/" + quote(connection_id, safe=""))
    except SignInNeeded:
        return render_home(400, messages=[tokens_gone()])
    except CallFailed as exc:
        if exc.status == 404:
            return render_home(400, messages=[no_such_connection(connection_id)])
        return render_home(failure_status(exc),
                           messages=[failure_message(exc, _("Reading the connection"))])
    values = default_values(return_page_url(), explicit_language() or "")
    values.update(widget=widget, connection_id=connection_id, mode=mode)
    return open_widget(values)


@bp.post("/playground/connections/synchronize")
def synchronize():
    """POST /connections/<id>/synchronize as the Client's backend does, then the new statuses."""
    connection_id = posted_connection_id()
    if not csrf_valid():
        if is_htmx():
            return answer(400, [message(_("This form has expired. Please send it again."))])
        return csrf_refused()
    if not valid_connection_id(connection_id):
        return answer(400, [message(_("The form sent no valid connection id."))])
    try:
        api_post_as_user("/connections/%s/synchronize" % quote(connection_id, safe=""), 202)
    except SignInNeeded:
        return answer(400, [tokens_gone()])
    except CallFailed as exc:
        if exc.status == 404:
            return answer(400, [no_such_connection(connection_id)])
        if exc.status == 409:
            blocked = message(_("This connection cannot synchronise now: a channel waits for "
                                "the user (user_input answers a challenge, edit_credentials "
                                "renews an access)."), detail=call_detail(exc))
            return answer(409, [blocked])
        return answer(failure_status(exc),
                      [failure_message(exc, _("Starting the synchronisation"))])
    started = message(_("Synchronisation of connection %(id)s started.", id=connection_id),
                      level="success")
    if is_htmx():
        return answer(200, [started])
    flash_message(started)
    return back_to_section()
