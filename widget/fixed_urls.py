"""url_for for the URLs a page repeats on every request though they depend on nothing of it (a
static file's hashed name, a form's action): built once per app and script root, then reused.

Building a URL walks werkzeug's routing and the app's url_defaults (assets.py's hashed names):
the provider list's page built nine, a sixth of its rendering. A URL carrying anything of the
request or the session (a session id, a search) is still built by url_for.
"""
from typing import Any

from flask import current_app, request, url_for

MAX_URLS = 256  # the templates name a few dozen; a script root comes from the request's environ


def fixed_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)`, built once for this app and script root."""
    built: dict[tuple[Any, ...], str] = current_app.extensions.setdefault("fixed_urls", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = built.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(built) < MAX_URLS:
            built[key] = url
    return url


def init_app(app: Any) -> None:
    app.jinja_env.globals["fixed_url"] = fixed_url
