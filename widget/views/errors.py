"""HTTP errors: JSON for the server-to-server API, a translated page for people."""
from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from widget.htmx import render_screen

JSON_PREFIXES = ("/widget_session", "/widget/widget_session", "/sandbox/api", "/sandbox/auth/token")


def wants_json():
    return request.path.startswith(JSON_PREFIXES) or request.accept_mimetypes.best == "application/json"


def handle_http_error(error):
    if wants_json():
        response = jsonify({"error": error.name.lower().replace(" ", "_"),
                            "error_description": error.description})
        response.status_code = error.code
        return response
    return render_screen("widget/screens/http_error.html", status=error.code, ctx=None, code=error.code)


def handle_unexpected(error):
    """Last resort: never a traceback to the user (the log keeps it)."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    from flask import current_app

    current_app.logger.exception("unhandled error on %s", request.path)
    if wants_json():
        return jsonify({"error": "server_error", "error_description": "unexpected error"}), 500
    return render_screen("widget/screens/http_error.html", status=500, ctx=None, code=500)


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
