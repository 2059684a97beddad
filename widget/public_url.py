"""The address users and Clients reach this service at: `PUBLIC_BASE_URL`, else the request's host."""
from flask import current_app, request, url_for

# Set by the in-process transport (widget.upstream.in_process) on the calls it passes to the
# sandbox: the public root of the request that made the call. Not an HTTP_* key, so no header
# can set it.
PUBLIC_ROOT_KEY = "passerelle.public_root"
# Set by the in-process transport on every call it passes to the app: the answer goes back to our
# own code, never to a browser or a proxy. Not an HTTP_* key either.
IN_PROCESS_KEY = "passerelle.in_process"


def public_base_url() -> str:
    """`PUBLIC_BASE_URL`; else, on an in-process call, its caller's root; else this request's."""
    return (current_app.config.get("PUBLIC_BASE_URL") or request.environ.get(PUBLIC_ROOT_KEY)
            or request.host_url).rstrip("/")


def external_url(endpoint, **values):
    """An absolute URL for `endpoint`, on the public address."""
    return public_base_url() + url_for(endpoint, **values)
