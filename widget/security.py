"""Response headers of DESIGN.md section 9, and the CSRF token bound to each widget session."""
import functools
import hmac
import secrets

from flask import current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from widget.bank_list import image_origins
from widget.public_url import IN_PROCESS_KEY


def new_csrf_token():
    return secrets.token_urlsafe(32)


def posted_token_matches(expected):
    """True when the form's `csrf_token` equals `expected` (compared in constant time)."""
    sent = request.form.get("csrf_token", "")
    return (isinstance(expected, str) and bool(sent and expected)
            and hmac.compare_digest(sent.encode(), expected.encode()))


def csrf_valid(widget_session):
    """True when the posted `csrf_token` is the one bound to this widget session."""
    return posted_token_matches(widget_session.get("csrf_token"))


# On every response, pages and static files alike.
FIXED_HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}
# On every https response: browsers then refuse plain http for this host for a year.
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(frame_ancestors=None, frame_src=None, img_src=()):
    """The policy of a page; `img_src`: origins it may load images from besides its own (the
    banks' logos, widget/bank_list.py)."""
    return _policy(tuple(frame_ancestors or ()), tuple(frame_src or ()), tuple(img_src))


# Every response carries one: built once per combination (the page's Client, the logos'
# origins; a few per process), not on every response.
@functools.lru_cache(maxsize=256)
def _policy(frame_ancestors, frame_src, img_src):
    ancestors = " ".join(frame_ancestors or ["'self'"])
    images = " ".join(["'self'", "data:", *img_src])
    policy = (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
              "object-src 'none'; base-uri 'none'; frame-ancestors " + ancestors)
    if frame_src:  # a page that frames another origin (a page that hosts the widget)
        policy += "; frame-src 'self' " + " ".join(frame_src)
    return policy


def static_file_headers():
    """The headers of section 9 for a static file, which no page's context can widen."""
    return {"Content-Security-Policy": content_security_policy(), **FIXED_HEADERS}


def set_security_headers(response):
    environ = request.environ
    if environ.get(IN_PROCESS_KEY):  # for browsers and proxies: this answer meets neither
        return response
    context = g._get_current_object()
    headers = response.headers
    # Session ids travel in URLs: no page may be kept by a browser or a proxy (except a static
    # file, or a public document whose view says so: /openapi.json).
    no_store = not request.path.startswith("/static/") and not context.get("cacheable")
    wanted = _headers(tuple(context.get("frame_ancestors") or ()),
                      tuple(context.get("frame_src") or ()),
                      image_origins(current_app.config), request.is_secure, no_store)
    # Added where absent, in one pass: werkzeug's set and setdefault each read every header
    # the response has (seven calls were 22 us, a twentieth of a search under load).
    present = {name.lower() for name in headers.keys()}
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
        elif name != "Content-Security-Policy":  # a view's own policy stays (setdefault)
            headers[name] = value
    return response


@functools.lru_cache(maxsize=256)
def _headers(frame_ancestors, frame_src, img_src, secure, no_store):
    """The headers of section 9 for a response, built once per combination (a few per process):
    its page's policy, the fixed ones, HSTS over https, no-store but for what may be kept."""
    wanted = [("Content-Security-Policy", _policy(frame_ancestors, frame_src, img_src)),
              *FIXED_HEADERS.items()]
    if secure:  # over https (directly, or as a trusted proxy says): stay on https
        wanted.append(("Strict-Transport-Security", HSTS))
    if no_store:
        wanted.append(("Cache-Control", "no-store"))
    return tuple(wanted)


def init_app(app):
    app.after_request(set_security_headers)


def trust_proxies(app):
    """Wrap the whole app (call it last, so every layer sees the router's scheme and host)."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Scheme, host, port and client address from the last `proxies` X-Forwarded-* hops only:
        # a header sent by anyone else is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies)
