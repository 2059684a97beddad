"""A flow's outcome as a response: a screen (a page, a fragment, or nothing new for a poll),
an ending, or the bank's portal."""
from flask import make_response, render_template

from widget.flows.steps import BankRedirect, Finish, Screen
from widget.htmx import header, redirect_to, render_screen
from widget.parent_messages import parent_messages
from widget.vary import vary_on
from widget.views.endings import finish, with_messages
from widget.views.registry import BY_NAME, PARTS, POLLERS


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
    options = (ctx.run and ctx.run.options) or ctx.data["options"]
    messages = parent_messages(ctx.data, options)
    poller = POLLERS.get(header("HX-Trigger", ""))
    if poller and poller.screen == screen.name:
        if poller.fragment is None or not screen.changed:
            response = make_response("", 204)  # htmx keeps the screen, the poller goes on
        else:
            response = make_response(render_fragment(poller.fragment, ctx, **screen.context))
        return with_messages(response, messages)
    template = "widget/screens/%s.html" % screen.name
    if screen.name in PARTS:  # refreshed alone, in the element that asked
        response = make_response(PARTS[screen.name](ctx, {**screen.context,
                                                          "refreshed_alone": True}),
                                 screen.status)
        vary_on(response, "HX-Target")
    else:  # a whole screen, even when a poll asked: its wait is over
        response = render_screen(template, status=screen.status, ctx=ctx,
                                 poll=_is_waiting(screen), parent_messages=messages,
                                 **_endpoints(ctx), **screen.context)
    return with_messages(response, messages)


def _endpoints(ctx):
    """Where the run's widget has the shared screens (challenge, syncing) poll and post."""
    spec = ctx.run and BY_NAME.get(ctx.run.widget)
    return {"endpoints": spec.endpoints} if spec and spec.endpoints else {}


def render_fragment(template, ctx, **context):
    return render_template(template, ctx=ctx, **_endpoints(ctx), **context)
