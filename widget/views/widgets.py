"""Opening a widget, leaving it, the terms screen's answers, and the session's theme."""
from flask import Blueprint, Response, abort, g, render_template, request

from widget.clients import client_registry
from widget.flows.run import Run, Step
from widget.flows.steps import Finish, Screen
from widget.i18n import select_locale
from widget.session_options import OVERRIDABLE, InvalidOption, check_contrast, parse_options
from widget.store import widget_sessions
from widget.theme import custom_properties, theme_of
from widget.upstream.ids import valid_connection_id
from widget.views.endings import deliver_again
from widget.views.registry import BY_PATH
from widget.views.runs import widget_request

bp = Blueprint("widgets", __name__, url_prefix="/widget")
bp.add_app_template_global(theme_of)  # a page's <html data-theme> picks its palette with it


def _overrides(ctx):
    """This run's options from the link's query string (DESIGN.md section 4); the session's
    colours must keep their contrast on the theme the link asks for."""
    client_id = ctx.data["client_id"]
    registry = client_registry()
    overrides = parse_options(request.args,
                              lambda url: registry.normalised_redirect(client_id, url),
                              only=OVERRIDABLE)
    check_contrast({**ctx.data["options"], **overrides})
    return overrides


@bp.get("/<name>")
@widget_request()
def open_widget(ctx, name):
    """Start the widget `name`, or resume the run in progress that this link opened."""
    spec = BY_PATH.get(name)
    if spec is None:
        return Screen("not_found", status=404)
    widget = spec.name
    try:
        overrides = _overrides(ctx)
    except InvalidOption:
        ctx.begin(Run.refused(widget, ctx.data["options"]))
        return Finish("error", "invalid_request")
    connection_id = request.args.get("connection_id")
    if connection_id is not None or spec.needs_connection:
        if not valid_connection_id(connection_id):
            ctx.begin(Run.refused(widget, {**ctx.data["options"], **overrides}))
            return Finish("error", "invalid_connection")
        overrides["connection_id"] = connection_id
    if ctx.run and ctx.run.goes_on_with(widget, overrides):
        g.run_locale = ctx.run.locale
        return ctx.current_flow().resume()
    g.run_locale = overrides.get("locale") or ctx.data["options"].get("locale")
    run = ctx.begin(Run.opened(widget, {**ctx.data["options"], **overrides}, select_locale()))
    g.run_locale = run.locale
    ctx.track("OPEN", widget)
    return ctx.flow(widget).start()


@bp.get("/resume")
@widget_request()
def resume(ctx):
    """Where the run stands: a request that found the session busy goes on here once it is free."""
    run = ctx.run
    if run and run.step == Step.DONE and run.ending:
        return deliver_again(ctx, run.ending)  # the same ending, told once more
    if not run or not run.in_progress:
        return Screen("stale", status=409)
    return ctx.current_flow().resume()


@bp.post("/cancel")
@widget_request(post=True)
def cancel(ctx):
    """Leave the widget: back to the Client with result=cancelled."""
    if ctx.run is None:
        return Finish("cancelled")
    if ctx.run.step == Step.DONE:
        return Screen("stale", status=409)  # the run has ended already: one ending only
    if ctx.run.step == Step.FINISHING:
        return ctx.flow().resume()  # it ended at the bank's callback: that ending stands
    return Finish("cancelled", connection_id=ctx.run.connection_id)


@bp.post("/terms/accept")
@widget_request(post=True)
def accept_terms(ctx):
    """Accept the terms shown; the widget that needed them goes on."""
    outcome = ctx.flow("terms").accept()
    return outcome or ctx.flow().resume()


@bp.post("/terms/refuse")
@widget_request(post=True)
def refuse_terms(ctx):
    """Refuse the terms: the widget ends with result=error."""
    return ctx.flow("terms").refuse()


@bp.get("/theme.css")
def theme():
    """The session's colours and font as CSS variables (a stylesheet, so no inline style), for
    the page's theme (`theme`: a link may change the session's)."""
    data = widget_sessions().load(request.args.get("session_id"))
    if data is None:
        abort(404)
    theme = theme_of({"theme": request.args.get("theme")} if "theme" in request.args
                     else data["options"])
    css = render_template("widget/theme.css", blocks=custom_properties(data["options"], theme))
    return Response(css, mimetype="text/css")
