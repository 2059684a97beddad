"""The client registry: where each Client may be sent back, and who may frame the widget."""
from urllib.parse import urlsplit

from flask import current_app

from widget.redirect_urls import normalised_redirect

SANDBOX_CLIENTS = {
    "demo-client": {
        "redirect_urls": ["http://localhost", "http://127.0.0.1"],
        "frame_ancestors": ["http://localhost:*", "http://127.0.0.1:*"],
    }
}


class ClientRegistry:
    """Clients known to this widget service, from `WIDGET_CLIENTS` (+ the sandbox's demo)."""

    def __init__(self, clients):
        self.clients = clients

    def normalised_redirect(self, client_id, url):
        """`url` as the browser will load it, when registered for that client; else None."""
        client = self.clients.get(client_id)
        return normalised_redirect(url, client.get("redirect_urls", [])) if client else None

    def redirect_allowed(self, client_id, url):
        return self.normalised_redirect(client_id, url) is not None

    def frame_ancestors(self, client_id):
        client = self.clients.get(client_id) or {}
        return list(client.get("frame_ancestors", []))


def sandbox_clients(public_base_url=None):
    """The sandbox's demo client; it may also return to and be framed by the deployment itself."""
    clients = {client_id: {key: list(urls) for key, urls in entry.items()}
               for client_id, entry in SANDBOX_CLIENTS.items()}
    if public_base_url:
        parts = urlsplit(public_base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        for entry in clients.values():
            entry["redirect_urls"].append(origin + "/")
            entry["frame_ancestors"].append(origin)
    return clients


def init_app(app):
    clients = dict(app.config.get("WIDGET_CLIENTS") or {})
    if app.config.get("SANDBOX"):
        for client_id, entry in sandbox_clients(app.config.get("PUBLIC_BASE_URL")).items():
            clients.setdefault(client_id, entry)
    app.extensions["client_registry"] = ClientRegistry(clients)


def client_registry():
    """The app's client registry."""
    return current_app.extensions["client_registry"]
