"""A run's ending: recorded once, then told to the Client (its redirect URL) or on our page."""
import json

from flask import g, make_response, render_template

from widget.flows.run import Run
from widget.htmx import header, is_htmx, redirect_to, render_screen
from widget.parent_messages import parent_messages, redirect_message
from widget.returns import result_params, return_url
from widget.vary import vary_on

# Whose ending an ending without a run is (the session API's first widget).
DEFAULT_WIDGET = "add_connection"


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
    if is_htmx() or header("Sec-Fetch-Mode") != "navigate":
        return with_messages(redirect_to(url), messages)
    response = make_response(render_template("widget/leaving.html", next_url=url,
                                             parent_messages=messages, theme_options=options))
    vary_on(response, "HX-Request")
    return response


def finish(ctx, outcome):
    """End the run: record it, then back to the Client, or our own result page."""
    run = ctx.run or ctx.begin(Run(DEFAULT_WIDGET, dict(ctx.data["options"])))
    widget = run.widget
    if outcome.result == "cancelled":
        ctx.track("EXIT", widget, step=run.step and str(run.step))
    elif outcome.result == "error":
        ctx.track("ERROR", widget, error=outcome.error, connection_id=outcome.connection_id)
    run.end(outcome)
    options = run.options or ctx.data["options"]
    if options.get("redirect_url"):
        ctx.track("REDIRECT", widget, result=outcome.result, connection_id=outcome.connection_id)
    # Once per ending, whichever way the user is told (redirect or our own result page): the
    # event a Client's webhook waits for.
    ctx.track("SESSION_FINISHED", widget, result=outcome.result,
              connection_id=outcome.connection_id,
              error=(outcome.error or "upstream_error") if outcome.result == "error" else None,
              state=options.get("state"))
    return deliver_again(ctx, outcome)


def deliver_again(ctx, outcome):
    """Back to the Client with the run's ending, or our own result page; no event recorded
    (a request that found the session busy is told the ending another request recorded)."""
    run = ctx.run
    widget = run.widget
    options = run.options or ctx.data["options"]
    params = result_params(options, widget, outcome.result, outcome.error,
                           outcome.connection_id, g.get("run_locale"))
    if options.get("redirect_url"):
        return leave(ctx.data, options, params)
    return render_screen("widget/screens/result.html", ctx=ctx, params=params)
