"""A widget's step: the view gets the run's flow, or the step is stale (409)."""
import functools

from widget.flows.steps import Screen
from widget.views.runs import widget_request


def stale():
    """A step posted to a run that is over or was never started here."""
    return Screen("stale", status=409)


def run_flow(ctx, widgets):
    """The flow of the run in progress when it is one of `widgets`, else None."""
    if ctx.run is None or ctx.run.widget not in widgets or not ctx.run.in_progress:
        return None
    return ctx.flow()


def flow_step(*widgets, post=True, read_first=False):
    """Decorate a view `f(flow, ...)`: a step of these widgets' runs; a stale step is told so.
    (`read_first`: as widget_request's.)"""

    def decorate(view):
        @widget_request(post=post, read_first=read_first)
        @functools.wraps(view)
        def with_flow(ctx, *args, **kwargs):
            flow = run_flow(ctx, widgets)
            return view(flow, *args, **kwargs) if flow else stale()

        return with_flow

    return decorate
