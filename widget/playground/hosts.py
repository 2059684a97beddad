"""The pages that host the widget as a Client's front end does: in an iframe, or in a popup.

Both run the widget through the host SDK a Client's page uses (static/passerelle.js), log
every message it reports (static/playground.js) and show the result when the widget ends. The iframe page is also the session's `aspsp_callback_uri`: after a
bank's redirect, the widget sends the top window back here with `session_id` and `state`
added, and the page opens the same widget link again, which resumes the run.
"""
from urllib.parse import urlsplit

from flask import g, render_template, request, session
from flask_babel import gettext as _

from widget.playground import bp
from widget.playground.home import RUN_KEY
from widget.playground.messages import message
from widget.playground.return_page import state_check
from widget.playground.session_form import SESSION_ID, WIDGETS, widget_link
from widget.public_url import public_base_url
from widget.upstream.ids import valid_connection_id

POPUP_NAME = "passerelle-widget"


def origin_of(url):
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def host_problems(session_id, widget, connection_id):
    """Translated reasons why this address cannot host a widget (an empty list when it can)."""
    problems = []
    if not SESSION_ID.match(session_id):
        problems.append(_("The address has no valid session_id: create a widget session "
                          "from the playground first."))
    if widget not in WIDGETS:
        problems.append(_("The address names no known widget."))
    if connection_id and not valid_connection_id(connection_id):
        problems.append(_("The connection id in the address is not valid."))
    return problems


def render_host(mode):
    session_id = request.args.get("session_id", "").strip()
    widget = request.args.get("widget", "add_connection").strip()
    connection_id = request.args.get("connection_id", "").strip()
    problems = host_problems(session_id, widget, connection_id)
    if problems:
        page = render_template("playground/host_error.html", mode=mode,
                               messages=[message(text) for text in problems])
        return page, 400
    url = widget_link(public_base_url(), widget, session_id, connection_id or None)
    run = session.get(RUN_KEY) or {}
    back_from_bank = None
    if mode == "iframe" and "state" in request.args:
        # The widget sent the top window back here after the bank (aspsp_callback_uri).
        ours = run.get("session_id") == session_id
        back_from_bank = {"state": request.args.get("state", "")[:1000],
                          "check": state_check(run.get("state"), request.args.get("state"))
                          if ours else None}
    response = render_template(
        "playground/host.html", mode=mode, widget=widget, session_id=session_id,
        widget_url=url, widget_origin=origin_of(url), popup_name=POPUP_NAME,
        back_from_bank=back_from_bank, messages=[])
    if mode == "iframe":
        # The frame shows the widget, which may live on PUBLIC_BASE_URL rather than this host.
        g.frame_src = [origin_of(url)]
    return response, 200


@bp.get("/playground/embed")
def embed():
    """The widget in an iframe, and the messages it posts; also the aspsp_callback_uri."""
    return render_host("iframe")


@bp.get("/playground/popup")
def popup():
    """A button opening the widget in a popup window, and the messages it posts."""
    return render_host("popup")

