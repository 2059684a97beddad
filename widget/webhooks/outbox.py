"""What the session store hands over as it saves a request's events: a delivery per event for a
client with a `webhook_url`, added to the Redis outbox with the events, or to the thread after."""
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

from flask import Flask

from widget.store_backend import Append, SessionData
from widget.store_keys import stored_name
from widget.webhooks.delivery import RETRY_FOR_SECONDS, Delivery, delivery_for

# The playground's own receiver gets the demo client's webhooks (widget/playground/webhooks.py).
PLAYGROUND_CLIENT = "demo-client"
PLAYGROUND_RECEIVER = "/playground/webhooks"


def playground_secret(config: Any) -> str:
    """The demo client's signing secret: derived, so the receiver and the sender agree."""
    return hmac.new(str(config["SECRET_KEY"]).encode(), b"playground webhook",
                    hashlib.sha256).hexdigest()


class Outbox:
    def __init__(self, app: Flask) -> None:
        self.app = app  # the store is used outside requests too (a test's thread, a script)
        self.redis = app.extensions.get("webhook_redis")
        self.threaded = app.extensions.get("webhook_thread")

    def deliveries(self, session_id: str, data: SessionData,
                   events: Sequence[SessionData]) -> list[Delivery]:
        url = webhook_url(self.app, data.get("client_id")) if events else None
        if not url or not events:
            return []
        return [delivery_for(data["client_id"], url, session_id, event) for event in events]

    def appends(self, session_id: str, deliveries: list[Delivery], cipher: Any) -> list[Append]:
        """The outbox's part of the store's write (Redis only: the same script saves both)."""
        if self.redis is None or not deliveries:
            return []
        from widget.webhooks.queue import OUTBOX_MOST, outbox_key

        return [(outbox_key(stored_name(session_id)), [d.sealed(cipher) for d in deliveries],
                 RETRY_FOR_SECONDS + 3600, OUTBOX_MOST)]

    def saved(self, session_id: str, deliveries: list[Delivery]) -> None:
        """The store saved them: set them going."""
        if not deliveries:
            return
        if self.redis is not None:
            from widget.webhooks.queue import enqueue

            try:
                enqueue(self.redis, stored_name(session_id))
            except Exception:  # noqa: BLE001  the outbox keeps them: the next event's job goes
                self.app.logger.warning("a webhook job could not be enqueued", exc_info=True)
        elif self.threaded is not None:
            self.threaded.add(stored_name(session_id), deliveries)


def webhook_url(app: Flask, client_id: Any) -> str | None:
    entry = app.extensions["client_registry"].clients.get(client_id) or {}
    url: str | None = entry.get("webhook_url")
    if url is None and client_id == PLAYGROUND_CLIENT and app.config.get("SANDBOX") \
            and app.config.get("SANDBOX_WEBHOOKS"):
        # Never the request's host: a forged Host header would send the deliveries elsewhere.
        base = app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:%d" % app.config["PORT"]
        url = base.rstrip("/") + PLAYGROUND_RECEIVER
    return url


def secret_for(app: Flask) -> Any:
    def secret(client_id: str) -> str | None:
        entry = app.extensions["client_registry"].clients.get(client_id) or {}
        if "webhook_secret" in entry:
            return str(entry["webhook_secret"])
        if client_id == PLAYGROUND_CLIENT and app.config.get("SANDBOX"):
            return playground_secret(app.config)
        return None
    return secret


def init_app(app: Flask) -> None:
    """Deliver from the RQ worker with REDIS_URL, else from a thread of this process."""
    location = app.extensions["widget_store_location"]
    if "redis" in location:
        app.extensions["webhook_redis"] = location["redis"]
    else:
        from widget.webhooks.in_process import InProcessDeliveries

        app.extensions["webhook_thread"] = InProcessDeliveries(
            secret_for(app), app.config["WEBHOOK_TIMEOUT_SECONDS"],
            app.config["WEBHOOK_RETRY_BASE_SECONDS"])
    app.extensions["webhook_secret_for"] = secret_for(app)
    app.extensions["widget_sessions"].outbox = Outbox(app)
