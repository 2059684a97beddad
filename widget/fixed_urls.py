"""url_for for the URLs a page repeats on every request though they depend on nothing of it (a
static file's hashed name, a form's action): built once per app and script root, then reused.

Building a URL walks werkzeug's routing and the app's url_defaults (assets.py's hashed names):
the provider list's page built nine, a sixth of its rendering. A URL carrying anything of the
request or the session (a session id, a search) is that fixed path and its query
(`query_url`), the query encoded as werkzeug encodes it: through url_for, a search's pager
link was 2 % of its samples under load (py-spy), though 0.3 % of its instructions.
"""
from typing import Any, Callable
from urllib.parse import urlencode

from flask import current_app, request, url_for

MAX_URLS = 256  # the templates name a few dozen; a script root comes from the request's environ
# What werkzeug leaves unquoted in a URL's query (werkzeug.urls._urlencode).
QUERY_SAFE = "!$'()*,/:;?@"


def fixed_url(endpoint: str, /, **values: Any) -> str:
    """`url_for(endpoint, **values)`, built once for this app and script root."""
    return current_app.jinja_env.globals["fixed_url"](endpoint, **values)  # type: ignore


def fixed_urls_of(built: dict[tuple[Any, ...], str]) -> Callable[..., str]:
    """fixed_url keeping its URLs in `built`: the templates' own, with no lookup of the app (a
    page calls it six times)."""
    def fixed_url(endpoint: str, /, **values: Any) -> str:
        # A call site names its values in one order: no sorting, one entry per order at worst.
        key = (request.script_root, endpoint, *values.items())
        url = built.get(key)
        if url is None:
            url = url_for(endpoint, **values)
            if len(built) < MAX_URLS:
                built[key] = url
        return url

    return fixed_url


def query_url(endpoint: str, /, **query: Any) -> str:
    """`url_for(endpoint, **query)` for an endpoint whose path has no variable part (each value
    then goes in the query, in the order given, as url_for puts it; None leaves it out)."""
    path = current_app.jinja_env.globals["fixed_url"](endpoint)
    items = [(name, value) for name, value in query.items() if value is not None]
    return path + "?" + urlencode(items, safe=QUERY_SAFE) if items else path


def init_app(app: Any) -> None:
    app.jinja_env.globals["fixed_url"] = fixed_urls_of(app.extensions.setdefault("fixed_urls", {}))
    app.jinja_env.globals["query_url"] = query_url
