"""Full page or fragment, and redirects, depending on whether htmx asked."""
from flask import make_response, redirect, render_template, request


def is_htmx():
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def render_screen(fragment, status=200, **context):
    """The fragment alone for htmx, else the full page that includes it."""
    if is_htmx():
        body = render_template(fragment, **context)
    else:
        body = render_template("widget/page.html", fragment=fragment, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def redirect_to(url):
    """A 303 for a plain request; for htmx, `HX-Redirect` so the whole page moves."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
    else:
        response = redirect(url, code=303)
    response.vary.add("HX-Request")
    return response
