"""Turns an HTTP request on a widget session into a flow call, and its outcome into a response.

Every widget request goes through `widget_request`: it takes the session's lock, checks CSRF on
POST, picks the language, maps upstream failures to screens or endings, and saves the session.
"""
import functools
import json
import time

from flask import current_app, g, make_response, render_template, request, url_for
from flask_babel import get_locale

from widget import upstream
from widget.clients import client_registry
from widget.events import track
from widget.flows.add_connection import AddConnectionFlow
from widget.flows.edit_credentials import EditCredentialsFlow
from widget.flows.manage_accounts import ManageAccountsFlow
from widget.flows.professional_account import ProfessionalAccountFlow
from widget.flows.steps import BankRedirect, Finish, Screen
from widget.flows.terms import TermsFlow
from widget.flows.user_input import UserInputFlow
from widget.limits import ChallengeAttempts
from widget.htmx import is_htmx, redirect_to, render_screen
from widget.parent_messages import parent_messages, redirect_message
from widget.returns import result_params, return_url
from widget.security import csrf_valid
from widget.store import SessionBusy, widget_sessions

FLOWS = {"add_connection": AddConnectionFlow, "edit_credentials": EditCredentialsFlow,
         "terms": TermsFlow,
         "user_input": UserInputFlow,
         "professional_account": ProfessionalAccountFlow, "manage_accounts": ManageAccountsFlow}


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

        def track(event, **data):
            self.track(event, name, **data)

        flow = FLOWS[name](self.api, self.data["run"], track, locale=str(get_locale()))
        flow.clock = current_app.config.get("WIDGET_CLOCK") or time.time
        flow.config = current_app.config
        flow.challenge_attempts = ChallengeAttempts(self.session_id)
        return flow


def session_missing(session_id):
    """The session is unknown or expired: back to the Client with result=expired if we can."""
    stale = widget_sessions().peek_expired(session_id)
    # The answer may show in the Client's iframe: the session's client says which pages may
    # frame it; a page about an unknown session holds nothing worth framing against.
    g.frame_ancestors = client_registry().frame_ancestors(stale["client_id"]) if stale else ["*"]
    if stale and stale.get("options", {}).get("redirect_url"):
        run = stale.get("run") or {}
        widget = run.get("widget") or (request.view_args or {}).get("name") or "add_connection"
        options = run.get("options") or stale["options"]
        return leave(stale, options, result_params(options, widget, "expired",
                                                   connection_id=run.get("connection_id")))
    return render_screen("widget/screens/session_missing.html", status=404)


def widget_request(post=False, session_id_from=None):
    """Decorate a view `f(ctx, ...)` answering a Screen, a Finish or a response.

    The session is named by the request's `session_id`, or found by `session_id_from()`.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            session_id = session_id_from() if session_id_from else request.values.get("session_id")
            polling = request.headers.get("HX-Trigger", "") in POLLERS
            try:
                # A poll never waits: the next one comes soon enough.
                with widget_sessions().transaction(session_id, wait=0 if polling else None) as data:
                    if data is None:
                        return session_missing(session_id)
                    ctx = WidgetContext(session_id, data)
                    g.frame_ancestors = client_registry().frame_ancestors(data["client_id"])
                    g.run_locale = ctx.run.get("locale") or data["options"].get("locale")
                    if post and not csrf_valid(data):
                        return respond(ctx, Screen("csrf_error", status=400))
                    return respond(ctx, guarded(ctx, view, *args, **kwargs))
            except SessionBusy:
                return still_in_progress(session_id, polling)

        return wrapper

    return decorate


def still_in_progress(session_id, polling):
    """Another request of the session is at work (a double click, a second tab): answer now.

    A poll keeps its screen. Anything else gets a waiting screen that goes on by itself, once
    that request is done, to the screen it led to; no thread waits for it here.
    """
    current_app.logger.info("a request found its widget session busy on %s %s",
                            request.method, request.url_rule.rule)
    if polling:
        return make_response("", 204)
    data = widget_sessions().load(session_id) or {}  # read without the lock, for the page's frame
    if data:
        g.frame_ancestors = client_registry().frame_ancestors(data["client_id"])
        g.run_locale = (data.get("run") or {}).get("locale") or data["options"].get("locale")
    # The screen refreshes itself; no Retry-After (Flask-Limiter sets its own on widget POSTs).
    return render_screen("widget/screens/in_progress.html", status=409, session_id=session_id,
                         refresh_url=url_for("widgets.resume", session_id=session_id))


def guarded(ctx, view, *args, **kwargs):
    """Call the view; upstream failures become the terms screen, an ending or an error screen."""
    try:
        try:
            return view(ctx, *args, **kwargs)
        except upstream.ActionRequired:
            ctx.data["run"]["terms_pending"] = True
            return ctx.flow("terms").show()  # a failure fetching the terms is handled below
    except upstream.InvalidToken:
        # The Client gave no refresh token, or it no longer works: the session is over.
        ctx.data["expires_at_ts"] = time.time()
        return Finish("expired", connection_id=ctx.run.get("connection_id"))
    except upstream.UpstreamError as exc:
        upstream.log_failure(exc, "the upstream_error screen to %s %s" % (
            request.method, request.url_rule.rule))
        ctx.track("ERROR", error=exc.code if exc.status else "network_error")
        return Screen("upstream_error", status=502)


# A waiting screen's poller (named by htmx's HX-Trigger) and the partial it refreshes.
POLLERS = {"sync-progress": ("syncing", "widget/screens/syncing_detail.html"),
           "challenge-wait": ("challenge", None), "user-input-wait": ("user_input_waiting", None),
           "in-progress-wait": ("in_progress", None)}


def _is_waiting(screen):
    return screen.name in ("syncing", "user_input_waiting") or (
        screen.name == "challenge" and screen.context["challenge"].get("type") == "APP_VALIDATION")


def respond(ctx, outcome):
    if isinstance(outcome, Screen):
        return show(ctx, outcome)
    if isinstance(outcome, Finish):
        return finish(ctx, outcome)
    if isinstance(outcome, BankRedirect):
        return redirect_to(outcome.url)
    return outcome


def show(ctx, screen):
    """The screen as a page or a fragment; a poll that brings nothing new keeps the old one."""
    options = ctx.run.get("options") or ctx.data["options"]
    messages = parent_messages(ctx.data, options)
    poller = POLLERS.get(request.headers.get("HX-Trigger", ""))
    if poller and poller[0] == screen.name:
        if poller[1] is None:
            response = make_response("", 204)  # htmx keeps the screen, the poller goes on
        else:
            response = make_response(render_fragment(poller[1], ctx, **screen.context))
        return with_messages(response, messages)
    response = render_screen("widget/screens/%s.html" % screen.name, status=screen.status,
                             ctx=ctx, poll=_is_waiting(screen), parent_messages=messages,
                             **screen.context)
    if poller:  # the wait is over: the new screen replaces the whole one
        response.headers["HX-Retarget"] = "#screen"
        response.headers["HX-Reswap"] = "innerHTML"
    return with_messages(response, messages)


def with_messages(response, messages):
    """For htmx, messages for the parent window ride in HX-Trigger (a page carries its own)."""
    if messages and is_htmx():
        response.headers["HX-Trigger"] = json.dumps({"passerelle:messages": messages})
    return response


def leave(widget_session, options, params):
    """Go to the redirect URL with `params`; an embedded widget tells its parent first.

    htmx gets HX-Trigger then HX-Redirect; a browser's navigation gets a page that posts the
    messages and moves on (a meta refresh without JavaScript); any other client a plain 303.
    """
    url = return_url(options["redirect_url"], params)
    messages = parent_messages(widget_session, options, final=redirect_message(url, params))
    if is_htmx() or request.headers.get("Sec-Fetch-Mode") != "navigate":
        return with_messages(redirect_to(url), messages)
    response = make_response(render_template("widget/leaving.html", next_url=url,
                                             parent_messages=messages))
    response.vary.add("HX-Request")
    return response


def finish(ctx, outcome):
    """End the run: record it, then back to the Client, or our own result page."""
    run = ctx.data.setdefault("run", {})
    widget = run.get("widget", "add_connection")
    if outcome.result == "cancelled":
        ctx.track("EXIT", widget, step=run.get("step"))
    elif outcome.result == "error":
        ctx.track("ERROR", widget, error=outcome.error, connection_id=outcome.connection_id)
    run.update(step="done", result=outcome.result, ending=vars(outcome))
    if (run.get("options") or ctx.data["options"]).get("redirect_url"):
        ctx.track("REDIRECT", widget, result=outcome.result, connection_id=outcome.connection_id)
    return deliver_again(ctx, outcome)


def deliver_again(ctx, outcome):
    """Back to the Client with the run's ending, or our own result page; no event recorded
    (a request that found the session busy is told the ending another request recorded)."""
    run = ctx.data["run"]
    widget = run.get("widget", "add_connection")
    options = run.get("options") or ctx.data["options"]
    params = result_params(options, widget, outcome.result, outcome.error,
                           outcome.connection_id, g.get("run_locale"))
    if options.get("redirect_url"):
        return leave(ctx.data, options, params)
    return render_screen("widget/screens/result.html", ctx=ctx, params=params)


def render_fragment(template, ctx, **context):
    return render_template(template, ctx=ctx, **context)
