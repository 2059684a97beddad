"""The address users and Clients reach this service at: `PUBLIC_BASE_URL`, else the request's host."""
from flask import current_app, request, url_for


def public_base_url():
    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def external_url(endpoint, **values):
    """An absolute URL for `endpoint`, on the public address."""
    return public_base_url() + url_for(endpoint, **values)
