"""Full page or fragment, and redirects, depending on whether htmx asked."""
from flask import make_response, redirect, render_template, request

from widget.vary import vary_on

# Every screen fills this element (templates/widget/page.html); parts of a screen (a poll's
# progress, the bank search's results) are refreshed in place instead.
SCREEN = "#screen"


def header(name: str, default: str | None = None) -> str | None:
    """A request's header, read from the WSGI environ: werkzeug's `request.headers.get` raises
    and catches an exception inside for each header the request lacks (most of htmx's, on
    every widget request)."""
    return request.environ.get("HTTP_" + name.upper().replace("-", "_"), default)


def is_htmx():
    return header("HX-Request") == "true" and not header("HX-History-Restore-Request")


def render_screen(template, status=200, **context):
    """A screen (its template extends `layout`): the whole page, or for htmx the screen alone
    with its <title>, swapped into #screen whichever element asked (a poll that ends, a search
    box that meets an error), never into that element."""
    htmx = is_htmx()
    layout = "widget/fragment.html" if htmx else "widget/page.html"
    response = make_response(render_template(template, layout=layout, **context), status)
    if htmx:
        response.headers["HX-Retarget"] = SCREEN
        response.headers["HX-Reswap"] = "innerHTML"
    vary_on(response, "HX-Request")
    return response


def redirect_to(url):
    """A 303 for a plain request; for htmx, `HX-Redirect` so the whole page moves."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
    else:
        response = redirect(url, code=303)
    vary_on(response, "HX-Request")
    return response
