"""The playground's webhook receiver: `demo-client`'s webhooks come here (SANDBOX_WEBHOOKS), are
verified as README.md, "Webhooks", tells a Client to, and the page shows what arrived."""
import json
import os
import time

from flask import current_app, jsonify, render_template, request, session

from widget.playground import bp
from widget.playground.home import RUN_KEY
from widget.store_file_lists import FileLists
from widget.store_keys import stored_name
from widget.store_setup import store_location
from widget.webhooks.outbox import PLAYGROUND_RECEIVER, playground_secret
from widget.webhooks.signing import verified

KEPT = 100  # deliveries kept per widget session, for a day
KEPT_SECONDS = 24 * 3600
PREFIX = "playground-webhooks:"


class Received:
    """The deliveries received per widget session: where the widget sessions are kept."""

    def __init__(self, app):
        location = store_location(app)
        self.redis = location.get("redis")
        self.files = None if self.redis else FileLists(
            os.path.join(location["folder"], "playground-webhooks"))

    def add(self, session_id, kept):
        key = PREFIX + stored_name(session_id)  # the session id itself is a credential
        if self.redis is not None:
            pipe = self.redis.pipeline()
            pipe.rpush(key, json.dumps(kept)).ltrim(key, -KEPT, -1).expire(key, KEPT_SECONDS)
            pipe.execute()
        else:
            self.files.append(key, [json.dumps(kept)], KEPT)
            self._forget_old_files()

    def _forget_old_files(self):
        """Files have no TTL: those untouched for KEPT_SECONDS go, checked once an hour."""
        marker = os.path.join(self.files.folder, ".swept")
        try:
            if time.time() - os.stat(marker).st_mtime < 3600:
                return
        except FileNotFoundError:
            pass
        with open(marker, "w", encoding="ascii"):
            pass
        now = time.time()
        self.files.sweep(lambda name: name.startswith(PREFIX) and now - os.stat(
            os.path.join(self.files.folder, name)).st_mtime > KEPT_SECONDS)

    def of(self, session_id):
        key = PREFIX + stored_name(session_id)
        values = (self.redis.lrange(key, -KEPT, -1) if self.redis is not None
                  else self.files.read(key, KEPT))
        return [json.loads(value) for value in values]


def received():
    app = current_app._get_current_object()
    if "playground_webhooks" not in app.extensions:
        app.extensions["playground_webhooks"] = Received(app)
    return app.extensions["playground_webhooks"]


@bp.post(PLAYGROUND_RECEIVER)
def receive_webhook():
    """Receive one of demo-client's webhooks: verify its signature, then keep it (once)."""
    body = request.get_data(cache=False)
    header = request.headers.get("Passerelle-Signature", "")
    if not verified(playground_secret(current_app.config), header, body):
        return jsonify({"error": "invalid_signature"}), 400
    try:
        event = json.loads(body)
        session_id, event_id = event["widget_session_id"], event["event_id"]
    except (ValueError, TypeError, KeyError):
        return jsonify({"error": "invalid_request"}), 400
    if not isinstance(session_id, str) or not isinstance(event_id, str):
        return jsonify({"error": "invalid_request"}), 400
    # A delivery may come twice (an answer lost on the way): the event id says it is the same.
    if all(kept["event_id"] != event_id for kept in received().of(session_id)):
        received().add(session_id, {
            "event_id": event_id, "name": event.get("name"), "widget": event.get("widget"),
            "data": event.get("data"), "date": event.get("date"),
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return "", 204


@bp.get(PLAYGROUND_RECEIVER)
def webhooks_page():
    """The webhooks received for the last widget session created from this browser."""
    run = session.get(RUN_KEY) or {}
    deliveries = received().of(run["session_id"]) if run.get("session_id") else None
    return render_template("playground/webhooks.html", run=run, deliveries=deliveries,
                           enabled=bool(current_app.config.get("SANDBOX_WEBHOOKS")),
                           messages=())
