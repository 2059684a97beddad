"""The provider list's results (its banks, count and pager), rendered once per page of the
catalogue the process keeps and reused by every session that shows that page.

Each keystroke of a search answers provider_results.html: for every user of a Client who
searched the same words, the same banks, count and pager, but for the session's id (a hidden
field, the pager's links) and its CSRF token. Rendering it was a seventh of a search under load.
A page the process keeps (a SharedList) keeps beside it the results rendered with a mark in
place of each of those two values, one per language, host and the few other inputs that
`INPUTS` names; a request then puts its own values where the marks are.

Both values are made of the characters [A-Za-z0-9_-] (a session id and a token as the widget
makes them), which HTML and a URL's query carry as they are: the marked rendering with a
session's values put in is what rendering it with them gives. A value of any other form (a
tampered record, say) is rendered in full. The marks are random for each process, so no bank's
name or search can spell one, and a rendering that changed one (a filter on the session's id)
is refused. tests/test_provider_results.py holds the template to the inputs named here: a name
it reads that is neither an input nor a global known to depend only on the language and the
host fails there, before it could show one session another's results.
"""
import re
import secrets
from typing import Any

from flask import render_template, request
from jinja2 import pass_context
from markupsafe import Markup

from widget.i18n import current_locale
from widget.upstream.answer_cache import SharedList

TEMPLATE = "widget/screens/provider_results.html"
# What the template reads besides the session (`ctx`): each is in the kept rendering's key.
INPUTS = ("providers", "total", "capped", "page", "page_size", "search", "refreshed_alone")
# The app's globals the template calls, each depending on nothing but the language, the host
# (scheme, host and script root) and its arguments, all in the key.
GLOBALS = frozenset({"_", "ngettext", "fixed_url", "query_url", "provider_items",
                     "provider_results_id"})
PLAIN = re.compile(r"[A-Za-z0-9_-]+")
_SESSION_HEX, _CSRF_HEX = secrets.token_hex(16), secrets.token_hex(16)
SESSION_MARK, CSRF_MARK = "session" + _SESSION_HEX, "csrf" + _CSRF_HEX


class SessionDependent(Exception):
    """The template read something of the session beyond its id and CSRF token, or changed
    one of them."""


class _MarkedData:
    csrf_token = CSRF_MARK

    def __getattr__(self, name: str) -> Any:
        raise SessionDependent("provider_results.html reads the session's %r" % name)

    def __getitem__(self, name: str) -> Any:
        raise SessionDependent("provider_results.html reads the session's %r" % name)


class _MarkedContext:
    """Stands in for the request's WidgetContext: its id and token as marks, nothing else."""
    session_id = SESSION_MARK
    data = _MarkedData()

    def __getattr__(self, name: str) -> Any:
        raise SessionDependent("provider_results.html reads the request's %r" % name)


MARKED = _MarkedContext()


def results(ctx: Any, inputs: dict[str, Any]) -> Markup:
    """provider_results.html for the session of `ctx`, given `inputs` (INPUTS, by name)."""
    providers, csrf_token = inputs.get("providers"), ctx.data.get("csrf_token")
    values = {name: inputs.get(name) for name in INPUTS}
    values["refreshed_alone"] = bool(values["refreshed_alone"])  # one key for None and False
    if not (isinstance(providers, SharedList) and isinstance(ctx.session_id, str)
            and isinstance(csrf_token, str) and PLAIN.fullmatch(ctx.session_id)
            and PLAIN.fullmatch(csrf_token)):
        return Markup(render_template(TEMPLATE, ctx=ctx, **values))
    key = ("results", current_locale(), request.scheme, request.host, request.root_path,
           *(values[name] for name in INPUTS[1:]))
    marked: str = providers.derived(key, lambda: _marked(values))
    return Markup(marked.replace(SESSION_MARK, ctx.session_id).replace(CSRF_MARK, csrf_token))


def _marked(values: dict[str, Any]) -> str:
    """The results with the marks in place of the session's values, each mark as it is: a
    template that changed one (a filter on the session's id, say) would leave it where no
    request's value can replace it."""
    marked = render_template(TEMPLATE, ctx=MARKED, **values)
    lowered = marked.lower()
    for mark, random in ((SESSION_MARK, _SESSION_HEX), (CSRF_MARK, _CSRF_HEX)):
        if lowered.count(random[:12]) != marked.count(mark):
            raise SessionDependent("provider_results.html changes the session's values")
    return marked


@pass_context
def provider_results(context: Any) -> Markup:
    """The results as providers.html shows them, from its own variables."""
    return results(context["ctx"], {name: context.get(name) for name in INPUTS})


def init_app(app: Any) -> None:
    app.jinja_env.globals["provider_results"] = provider_results
