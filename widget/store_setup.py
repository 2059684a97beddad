"""Which backend keeps the widget sessions: Redis when `REDIS_URL` is set, else files under the
instance folder (widget/store.py says what a session's records are)."""
import os
from typing import Any

from flask import Flask

from widget.encryption import cipher_for
from widget.store import WidgetSessionStore
from widget.store_backend import Backend
from widget.store_keys import EVENTS_PREFIX, LIVE_PREFIX


def init_app(app: Flask) -> None:
    """Attach the widget session store."""
    backend: Backend
    if app.config.get("REDIS_URL"):
        from widget.store_redis import RedisBackend, redis_client

        client = redis_client(app.config)
        backend = RedisBackend(client, lock_seconds=app.config["SESSION_LOCK_SECONDS"],
                               lock_wait_seconds=app.config["SESSION_LOCK_WAIT_SECONDS"])
        app.extensions["widget_store_location"] = {"redis": client}
    else:
        from widget.store_files import FileBackend

        folder = app.config.get("SESSION_FILE_DIR") or os.path.join(app.instance_path, "sessions")
        backend = FileBackend(folder, live_key=LIVE_PREFIX.__add__, list_prefix=EVENTS_PREFIX,
                              lock_wait_seconds=app.config["SESSION_LOCK_WAIT_SECONDS"])
        app.extensions["widget_store_location"] = {"folder": folder}
    app.extensions["widget_sessions"] = WidgetSessionStore(backend, cipher_for(app.config))


def store_location(app: Flask) -> dict[str, Any]:
    """Where the store keeps sessions: {"redis": client} or {"folder": path}."""
    location: dict[str, Any] = app.extensions["widget_store_location"]
    return location
