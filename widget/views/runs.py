"""Turns an HTTP request on a widget session into a flow call, and its outcome into a response.

Every widget request goes through `widget_request`: it takes the session's lock, checks CSRF on
POST, picks the language, maps upstream failures to screens or endings, and saves the session.
"""
import functools
import time

from flask import g, render_template, request

from widget import upstream
from widget.clients import client_registry
from widget.events import track
from widget.flows.add_connection import AddConnectionFlow
from widget.flows.steps import Finish, Screen
from widget.flows.terms import TermsFlow
from widget.htmx import redirect_to, render_screen
from widget.returns import result_params, return_url
from widget.security import csrf_valid
from widget.store import SessionBusy, widget_sessions

FLOWS = {"add_connection": AddConnectionFlow, "terms": TermsFlow}


class WidgetContext:
    """One request's view of a widget session: its data, its run, its API client."""

    def __init__(self, session_id, data):
        self.session_id = session_id
        self.data = data
        self._api = None

    @property
    def run(self):
        return self.data.get("run") or {}

    @property
    def api(self):
        if self._api is None:
            self._api = upstream.api_for(self.data)
        return self._api

    def track(self, name, widget=None, **data):
        return track(self.data, self.session_id, name, widget or self.run.get("widget"), **data)

    def flow(self, name=None):
        name = name or self.run.get("widget")
        return FLOWS[name](self.api, self.data["run"], lambda event, **d: self.track(event, name, **d))


def session_missing():
    """The session is unknown or expired: back to the Client with result=expired if we can."""
    stale = widget_sessions().peek_expired(request.values.get("session_id"))
    if stale and stale.get("options", {}).get("redirect_url"):
        params = result_params(stale["options"], request.view_args.get("name") or "widget",
                               "expired")
        return redirect_to(return_url(stale["options"]["redirect_url"], params))
    return render_screen("widget/screens/session_missing.html", status=404)


def widget_request(post=False):
    """Decorate a view `f(ctx, ...)` answering a Screen, a Finish or a response."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            session_id = request.values.get("session_id")
            try:
                with widget_sessions().transaction(session_id) as data:
                    if data is None:
                        return session_missing()
                    ctx = WidgetContext(session_id, data)
                    g.widget = ctx
                    g.frame_ancestors = client_registry().frame_ancestors(data["client_id"])
                    g.run_locale = ctx.run.get("locale") or data["options"].get("locale")
                    if post and not csrf_valid(data):
                        return respond(ctx, Screen("csrf_error", status=400))
                    return respond(ctx, guarded(ctx, view, *args, **kwargs))
            except SessionBusy:
                return render_screen("widget/screens/busy.html", status=503)

        return wrapper

    return decorate


def guarded(ctx, view, *args, **kwargs):
    """Call the view; upstream failures become the terms screen, an ending or an error screen."""
    try:
        return view(ctx, *args, **kwargs)
    except upstream.ActionRequired:
        ctx.data["run"]["terms_pending"] = True
        return ctx.flow("terms").show()
    except upstream.InvalidToken:
        # The Client gave no refresh token, or it no longer works: the session is over.
        ctx.data["expires_at_ts"] = time.time()
        return Finish("expired")
    except upstream.UpstreamError as exc:
        ctx.track("ERROR", error=exc.code if exc.status else "network_error")
        return Screen("upstream_error", status=502)


# A waiting screen's poller (named by htmx's HX-Trigger) and the partial it refreshes.
POLLERS = {"sync-progress": ("syncing", "widget/screens/syncing_detail.html"),
           "challenge-wait": ("challenge", None)}


def _is_waiting(screen):
    return screen.name == "syncing" or (
        screen.name == "challenge" and screen.context["challenge"].get("type") == "APP_VALIDATION")


def respond(ctx, outcome):
    if isinstance(outcome, Screen):
        poller = POLLERS.get(request.headers.get("HX-Trigger", ""))
        if poller and poller[0] == outcome.name:
            if poller[1] is None:
                return "", 204  # nothing new: htmx keeps the screen, the poller goes on
            return render_fragment(poller[1], ctx, **outcome.context)
        response = render_screen("widget/screens/%s.html" % outcome.name, status=outcome.status,
                                 ctx=ctx, poll=_is_waiting(outcome), **outcome.context)
        if poller:  # the wait is over: the new screen replaces the whole one
            response.headers["HX-Retarget"] = "#screen"
            response.headers["HX-Reswap"] = "innerHTML"
        return response
    if isinstance(outcome, Finish):
        return finish(ctx, outcome)
    return outcome


def finish(ctx, outcome):
    """End the run: record it, then back to the Client, or our own result page."""
    run = ctx.data.setdefault("run", {})
    widget = run.get("widget", "add_connection")
    options = run.get("options") or ctx.data["options"]
    locale = g.get("run_locale") or "fr"
    if outcome.result == "cancelled":
        ctx.track("EXIT", widget, step=run.get("step"))
    elif outcome.result == "error":
        ctx.track("ERROR", widget, error=outcome.error, connection_id=outcome.connection_id)
    run.update(step="done", result=outcome.result)
    params = result_params(options, widget, outcome.result, outcome.error,
                           outcome.connection_id, locale)
    redirect_url = options.get("redirect_url")
    if redirect_url:
        ctx.track("REDIRECT", widget, result=outcome.result, connection_id=outcome.connection_id)
        return redirect_to(return_url(redirect_url, params))
    return render_screen("widget/screens/result.html", ctx=ctx, params=params)


def render_fragment(template, ctx, **context):
    return render_template(template, ctx=ctx, **context)
