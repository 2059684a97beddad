"""Turns an HTTP request on a widget session into a flow call (outcomes.py makes the response).

Every widget request goes through `widget_request`: it takes the session's lock (or reads the
session without it, for a request that most often changes nothing), checks CSRF on POST, picks
the language, maps upstream failures to screens or endings, and saves the session.
"""
import functools
import time

from flask import current_app, g, make_response, request, url_for
from flask_babel import get_locale, refresh

from widget import upstream
from widget.clients import client_registry
from widget.events import NUMBERS, log_tracked, track
from widget.flows.run import Run
from widget.flows.steps import Finish, Screen
from widget.htmx import header, render_screen
from widget.limits import ChallengeAttempts
from widget.returns import result_params
from widget.security import csrf_valid
from widget.store import UNREAD, NeedsLock, SavedRecord, SessionBusy, widget_sessions
from widget.views.endings import leave
from widget.views.outcomes import respond
from widget.views.poll_hints import QuietAnswer, poll_asked, poll_hints
from widget.views.quiet_polls import answered_quietly
from widget.views.registry import BY_NAME, BY_PATH, POLLERS, SCREEN_POLLERS
from widget.views.unlocked_api import UnlockedApi


class WidgetContext:
    """One request's view of a widget session: its data, its run (None before the first), its
    API client."""

    def __init__(self, session_id, data, unlocked=False):
        self.session_id = session_id
        self.data = data
        self.run = stored_run(data.get("run"))
        self._api = None
        # Read without the session's lock: anything beyond reading the data (and tracking
        # events, where the store numbers them without it) needs it first.
        self.unlocked = unlocked
        # Tracked without the lock: logged once the store kept them (a request that goes again
        # with the lock tracks them again).
        self.unlogged = []

    def begin(self, run):
        """`run` replaces the session's: a widget opened, or an ending without a run."""
        self.run = run
        return run

    def keep_run(self):
        """Put the run back into the session's data, which the store then saves."""
        if self.run is not None:
            self.data["run"] = self.run.to_record()

    @property
    def api(self):
        if self.unlocked:
            raise NeedsLock()
        if self._api is None:
            self._api = upstream.api_for(self.data)
        return self._api

    def track(self, name, widget=None, **data):
        if self.unlocked and NUMBERS not in self.data:
            raise NeedsLock()
        event = track(self.data, self.session_id, name, widget or (self.run and self.run.widget),
                      log=not self.unlocked, **data)
        if self.unlocked:
            self.unlogged.append(event)
        return event

    def current_flow(self):
        """The flow the run is at: its widget's, or the terms' while they wait for an answer."""
        return self.flow("terms" if self.run.terms_pending else None)

    def flow(self, name=None):
        name = name or self.run.widget

        def track(event, **data):
            self.track(event, name, **data)

        api = UnlockedApi(self.data) if self.unlocked else self.api
        flow = BY_NAME[name].flow(api, self.run, track, locale=str(get_locale()))
        flow.clock = widget_clock()
        flow.config = current_app.config
        flow.challenge_attempts = ChallengeAttempts(self.session_id)
        return flow


def widget_clock():
    """The flows' clock: `WIDGET_CLOCK` (a test's) or `time.time`."""
    return current_app.config.get("WIDGET_CLOCK") or time.time


def stored_run(record):
    """The session's run; None if it has none, or one no widget here can go on with (tampered,
    or from a version of the widget that knew other widgets or steps)."""
    run = Run.from_record(record) if record else None
    return run if run and run.widget in BY_NAME else None


def session_missing(session_id):
    """The session is unknown or expired: back to the Client with result=expired if we can."""
    stale = widget_sessions().peek_expired(session_id)
    # The answer may show in the Client's iframe: the session's client says which pages may
    # frame it; a page about an unknown session holds nothing worth framing against.
    g.frame_ancestors = client_registry().frame_ancestors(stale["client_id"]) if stale else ["*"]
    if stale and stale.get("options", {}).get("redirect_url"):
        run = stale.get("run") or {}
        opened = BY_PATH.get((request.view_args or {}).get("name"))
        widget = run.get("widget") or (opened and opened.name) or "add_connection"
        options = run.get("options") or stale["options"]
        return leave(stale, options, result_params(options, widget, "expired",
                                                   connection_id=run.get("connection_id")))
    return render_screen("widget/screens/session_missing.html", status=404)


def widget_request(post=False, session_id_from=None, read_first=False):
    """Decorate a view `f(ctx, ...)` answering a Screen, a Finish or a response.

    The session is named by the request's `session_id`, or found by `session_id_from()`. With
    `read_first`, the view most often changes nothing but its events (the provider list and its
    search): it is answered from the session read without the lock, its events kept as the
    store keeps them without it, and goes again with the lock only if it would change the
    session otherwise or ask the API.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            session_id = session_id_from() if session_id_from else request.values.get("session_id")
            trigger = header("HX-Trigger", "")
            polling = trigger in POLLERS
            sessions = widget_sessions()
            hints = poll_hints() if trigger in SCREEN_POLLERS else None
            # Most polls of a waiting screen change nothing: they need neither lock nor write,
            # and one whose record is as when this process last answered it 204 gets that 204
            # again. One this process knows must ask the API goes to the lock at once, and so
            # does one it knows nothing of (most often a waiting screen's first poll: a look).
            if hints and hints.not_due(session_id, widget_clock()()):
                sealed = sessions.sealed(session_id)
                known = hints.quiet(session_id, sealed, time.time(), poll_asked())
                if known:
                    answered_quietly(session_id, known)
                    return known.replay()
                read = answered_unlocked(session_id, sealed, post, view, *args, **kwargs)
                if read:
                    response, ctx, data = read
                    quiet = QuietAnswer.of(response, sealed, data)
                    hints.remember(session_id, ctx.run, quiet)
                    if quiet:
                        answered_quietly(session_id, quiet)
                    return response
            elif read_first:
                try:
                    read = answered_unlocked(session_id, UNREAD, post, view, *args,
                                             with_events=True, **kwargs)
                except SessionBusy:  # a request with the lock holds the events list too long
                    return still_in_progress(session_id, polling)
                if read:
                    return read[0]
            saved = SavedRecord() if hints else None
            try:
                # A poll never waits: the next one comes soon enough.
                with sessions.transaction(session_id, wait=0 if polling else None,
                                          saved=saved) as data:
                    if data is None:
                        return session_missing(session_id)
                    ctx = WidgetContext(session_id, data)
                    response = answer(ctx, post, view, *args, **kwargs)
                if hints and saved is not None:  # saved: the next poll's hint is the run's as saved
                    quiet = QuietAnswer.after_look(response, ctx.run, saved.sealed, data)
                    hints.remember(session_id, ctx.run, quiet)
                    if quiet:
                        answered_quietly(session_id, quiet)
                return response
            except SessionBusy:
                return still_in_progress(session_id, polling)

        return wrapper

    return decorate


def answered_unlocked(session_id, sealed, post, view, *args, with_events=False, **kwargs):
    """(response, ctx, data) of the view from the session read without the lock (`sealed`, when
    the caller read the record); None when the session is unknown or expired, or the view would
    ask the API or change the session: then nothing was done, and it goes again with the lock.
    `with_events`: its events are kept without the lock where the store can (`unlocked`)."""
    try:
        with widget_sessions().unlocked(session_id, sealed, with_events) as data:
            if data is None:
                return None
            ctx = WidgetContext(session_id, data, unlocked=True)
            response = answer(ctx, post, view, *args, **kwargs)
        for event in ctx.unlogged:  # kept, and nothing else changed: `unlocked` said so
            log_tracked(event, session_id)
        return response, ctx, data
    except NeedsLock:
        refresh()  # the language is chosen again, from the data read afresh
        return None


def answer(ctx, post, view, *args, **kwargs):
    """The view's response; the session's data then holds what the request changed."""
    data = ctx.data
    g.frame_ancestors = client_registry().frame_ancestors(data["client_id"])
    g.run_locale = (ctx.run and ctx.run.locale) or data["options"].get("locale")
    if post and not csrf_valid(data):
        return respond(ctx, Screen("csrf_error", status=400))
    response = respond(ctx, guarded(ctx, view, *args, **kwargs))
    ctx.keep_run()
    return response


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
    theme_options = (data.get("run") or {}).get("options") or data.get("options")
    return render_screen("widget/screens/in_progress.html", status=409, session_id=session_id,
                         refresh_url=url_for("widgets.resume", session_id=session_id),
                         theme_options=theme_options)


def guarded(ctx, view, *args, **kwargs):
    """Call the view; upstream failures become the terms screen, an ending or an error screen."""
    try:
        try:
            return view(ctx, *args, **kwargs)
        except upstream.ActionRequired:
            ctx.run.wait_for_terms()
            return ctx.flow("terms").show()  # a failure fetching the terms is handled below
    except upstream.InvalidToken:
        # The Client gave no refresh token, or it no longer works: the session is over.
        ctx.data["expires_at_ts"] = time.time()
        return Finish("expired", connection_id=ctx.run and ctx.run.connection_id)
    except upstream.UpstreamError as exc:
        upstream.log_failure(exc, "the upstream_error screen to %s %s" % (
            request.method, request.url_rule.rule))
        ctx.track("ERROR", error=exc.code if exc.status else "network_error")
        return Screen("upstream_error", status=502)
