"""The playground: plays the Client (an integrator's app) at `/`, over real HTTP only."""
import os

from flask import Blueprint
from flask_session import Session

from widget.playground.cookie_sessions import PlaygroundSessions
from widget.store_setup import store_location

bp = Blueprint("playground", __name__)

# Imported for their routes, which attach themselves to `bp`.
from widget.playground import (connections, home, hosts, page_helpers,  # noqa: E402,F401
                               return_page, users, webhooks)


def init_app(app):
    """Mount the playground, with a cookie session kept where the widget sessions are."""
    location = store_location(app)
    if "redis" in location:
        app.config.update(SESSION_TYPE="redis", SESSION_REDIS=location["redis"])
    else:
        from cachelib.file import FileSystemCache

        # Its own folder, pruned by cachelib beyond 500 sessions (expired first).
        app.config.update(SESSION_TYPE="cachelib", SESSION_CACHELIB=FileSystemCache(
            os.path.join(location["folder"], "playground"), threshold=500, mode=0o600))
    app.config.setdefault("SESSION_KEY_PREFIX", "playground:")
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    Session(app)
    app.session_interface = PlaygroundSessions(app.session_interface)
    app.register_blueprint(bp)
