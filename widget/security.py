"""Response headers of DESIGN.md section 9, and the CSRF token bound to each widget session."""
import hmac
import secrets

from flask import g, request
from werkzeug.middleware.proxy_fix import ProxyFix


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


def _csp():
    ancestors = " ".join(getattr(g, "frame_ancestors", None) or ["'self'"])
    policy = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'none'; frame-ancestors " + ancestors)
    if getattr(g, "frame_src", None):  # a page that frames another origin (the playground's)
        policy += "; frame-src 'self' " + " ".join(g.frame_src)
    return policy


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", _csp())
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.is_secure:  # over https (directly, or as a trusted proxy says): stay on https
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith("/static/"):
        # Session ids travel in URLs: no page may be kept by a browser or a proxy.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.after_request(set_security_headers)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Scheme, host, port and client address from the last `proxies` X-Forwarded-* hops only:
        # a header sent by anyone else is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies)
