"""HTTP errors: JSON for the server-to-server API, a translated page for people."""
import re
from urllib.parse import urlsplit

from flask import current_app, g, jsonify, request
from redis import RedisError
from werkzeug.exceptions import HTTPException

from widget.htmx import render_screen
from widget.store import SessionBusy, StoreUnavailable

# The session API's paths; others (an embedded upstream's) are added by `answer_json_under`.
JSON_PREFIXES = ("/widget_session", "/widget/widget_session")
ID_LIKE = re.compile(r"[A-Za-z0-9_-]{43,}")


def answer_json_under(app, *prefixes):
    """Errors under these paths are JSON, whatever the request accepts (APIs for machines)."""
    app.extensions.setdefault("json_path_prefixes", list(JSON_PREFIXES)).extend(prefixes)


def wants_json():
    prefixes = tuple(current_app.extensions.get("json_path_prefixes", JSON_PREFIXES))
    return request.path.startswith(prefixes) or request.accept_mimetypes.best == "application/json"


def logged_path():
    """The request's route pattern for a log line: a session id in a path is a credential."""
    if request.url_rule is not None:
        return request.url_rule.rule  # /widget_session/<session_id>/events
    return ID_LIKE.sub("<id>", request.path)


def handle_store_unavailable(error):
    """The session store is down: a 503 to try again later, never a traceback or a lost session."""
    current_app.logger.warning("session store unavailable on %s: %s", logged_path(), error)
    # Nothing on this page is worth framing against, and the Client's iframe must show it.
    g.frame_ancestors = ["*"]
    if wants_json():
        response = jsonify({"error": "temporarily_unavailable",
                            "error_description": "the session store cannot be reached"})
        response.status_code = 503
    else:
        response = render_screen("widget/screens/store_unavailable.html", status=503)
    response.headers["Retry-After"] = "5"
    return response


def handle_too_many_requests(error):
    """A limit was reached: 429 JSON for the API, a translated screen with a way back for people.

    Flask-Limiter adds Retry-After (and the X-RateLimit-* headers) on the way out.
    """
    if wants_json():
        response = jsonify({"error": "too_many_requests",
                            "error_description": f"rate limit reached ({error.description}); "
                                                 "retry after the Retry-After header's seconds"})
        response.status_code = 429
        return response
    g.frame_ancestors = ["*"]  # nothing on this page is worth framing against
    back = request.headers.get("HX-Current-URL") or request.referrer or ""
    same_site = urlsplit(back).netloc == request.host and back.startswith(request.host_url)
    return render_screen("widget/screens/too_many_requests.html", status=429, ctx=None,
                         back_url=back if same_site else None)


def handle_http_error(error):
    # A cookie session kept in Redis (Flask-Session) fails before any view when Redis is down.
    if isinstance(getattr(error, "original_exception", None), RedisError):
        return handle_store_unavailable(error.original_exception)
    if error.code == 429:
        return handle_too_many_requests(error)
    if wants_json():
        response = jsonify({"error": error.name.lower().replace(" ", "_"),
                            "error_description": error.description})
        response.status_code = error.code
    else:
        response = render_screen("widget/screens/http_error.html", status=error.code, ctx=None,
                                 code=error.code)
    if getattr(error, "valid_methods", None):  # a 405 says what the URL accepts (RFC 9110)
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_unexpected(error):
    """Last resort: never a traceback to the user (the log keeps it)."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("unhandled error on %s", logged_path())
    if wants_json():
        return jsonify({"error": "server_error", "error_description": "unexpected error"}), 500
    return render_screen("widget/screens/http_error.html", status=500, ctx=None, code=500)


def handle_session_busy(error):
    """Another request of the session held its lock too long (outside a widget step)."""
    current_app.logger.warning("SessionBusy: a session's lock was held too long on %s",
                               logged_path())
    if wants_json():
        response = jsonify({"error": "temporarily_unavailable",
                            "error_description": "the widget session is busy; try again"})
        response.status_code = 503
        response.headers["Retry-After"] = "1"
        return response
    return render_screen("widget/screens/busy.html", status=503)


def init_app(app):
    app.register_error_handler(SessionBusy, handle_session_busy)
    app.register_error_handler(StoreUnavailable, handle_store_unavailable)
    app.register_error_handler(RedisError, handle_store_unavailable)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
