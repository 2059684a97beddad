"""The client registry: where each Client may be sent back, and who may frame the widget."""
from urllib.parse import urlsplit

from flask import current_app

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
DEFAULT_PORTS = {"http": 80, "https": 443}

SANDBOX_CLIENTS = {
    "demo-client": {
        "redirect_urls": ["http://localhost", "http://127.0.0.1"],
        "frame_ancestors": ["http://localhost:*", "http://127.0.0.1:*"],
    }
}


def _parts(url):
    """(scheme, host, port, path) of an absolute http(s) URL, or None."""
    if not isinstance(url, str) or any(ch in url for ch in "\r\n\t\\ "):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    return parts.scheme, parts.hostname.lower(), port, parts.path or "/"


def _path_under(path, registered):
    if registered in ("", "/"):
        return True
    registered = registered.rstrip("/")
    return path == registered or path.startswith(registered + "/")


def url_allowed(url, registered_urls):
    """True when `url` falls under one of the registered URLs (DESIGN.md section 3).

    Hosts are compared as parsed hosts, never as string prefixes, so
    `http://127.0.0.1.evil.example` is not `127.0.0.1`.
    """
    candidate = _parts(url)
    if candidate is None:
        return False
    scheme, host, port, path = candidate
    if scheme != "https" and host not in LOOPBACK_HOSTS:
        return False
    for registered in registered_urls:
        entry = _parts(registered)
        if entry is None:
            continue
        r_scheme, r_host, r_port, r_path = entry
        if (scheme, host) != (r_scheme, r_host) or not _path_under(path, r_path):
            continue
        if r_port is None and r_host in LOOPBACK_HOSTS:
            return True  # a loopback entry given without a port admits any port
        if (port or DEFAULT_PORTS[scheme]) == (r_port or DEFAULT_PORTS[r_scheme]):
            return True
    return False


class ClientRegistry:
    """Clients known to this widget service, from `WIDGET_CLIENTS` (+ the sandbox's demo)."""

    def __init__(self, clients):
        self.clients = clients

    def redirect_allowed(self, client_id, url):
        client = self.clients.get(client_id)
        return bool(client) and url_allowed(url, client.get("redirect_urls", []))

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
