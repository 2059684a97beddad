"""Rate limits (Flask-Limiter): session creation, failed client logins, widget POSTs, wrong
challenge answers, and the sandbox's token and user endpoints. Each limit is a setting.

Counts live in Redis when `REDIS_URL` is set (shared by every process), else in this process's
memory. /healthz and /readyz carry no limit.
"""
import functools

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

# The widget's POST views: one budget per session, whatever the step.
WIDGET_BLUEPRINTS = ("widgets", "add_connection", "account_widgets", "user_input")
CLIENT_API = ("session_api.create_widget_session", "session_api.session_events",
              "session_api.end_session")


def storage_uri(config):
    """Flask-Limiter's storage: the session store's Redis (TLS checked as REDIS_TLS_VERIFY says)."""
    url = config.get("REDIS_URL")
    if not url:
        return "memory://", {}
    options = {}
    if url.startswith("rediss://") and not config.get("REDIS_TLS_VERIFY", True):
        options["ssl_cert_reqs"] = None
    return url, options


def _setting(name):
    return lambda: current_app.config[name]


def _claimed_client_id():
    """The client id the request names (Basic auth or the body), checked or not."""
    if request.authorization and request.authorization.type == "basic":
        return "client:%s" % request.authorization.username
    body = request.get_json(silent=True) if request.is_json else request.form
    client_id = body.get("client_id") if isinstance(body, dict) or hasattr(body, "get") else None
    return "client:%s" % (client_id if isinstance(client_id, str) else "")


def _posted_session():
    return "session:%s" % request.values.get("session_id", "")


def _wrap(app, endpoint, decorator):
    app.view_functions[endpoint] = decorator(app.view_functions[endpoint])
    app.extensions.setdefault("limited_endpoints", set()).add(endpoint)


# Limits Flask-Limiter applies to every request, set by its own settings (none of ours).
APP_WIDE = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def _unlimited_endpoint():
    """True for a request whose view carries none of our limits (a widget page, a poll): then
    Flask-Limiter's before_request, which looks for limits on every request, stops at once (half
    its cost, 46 -> 22 us). A limited view's request is checked as before."""
    return request.endpoint not in current_app.extensions["limited_endpoints"]


def init_app(app):
    """A limiter of this app's own (its storage), put on the views once they are registered."""
    uri, options = storage_uri(app.config)
    limiter = Limiter(get_remote_address, storage_uri=uri, storage_options=options,
                      key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "passerelle-limits"),
                      headers_enabled=True, strategy="moving-window",
                      # Redis down: count in this process's memory meanwhile, never fail the
                      # request because the counter is away (the store's own 503 says the rest).
                      in_memory_fallback_enabled=True, swallow_errors=True)
    limiter.init_app(app)
    app.extensions["passerelle_limiter"] = limiter
    if not limiter.enabled:
        return
    _wrap(app, "session_api.create_widget_session", limiter.limit(
        _setting("LIMIT_SESSIONS_PER_CLIENT"), key_func=_claimed_client_id, scope="per-client",
        deduct_when=lambda response: g.get("client_authenticated", False)))
    _wrap(app, "session_api.create_widget_session", limiter.limit(
        _setting("LIMIT_SESSIONS_PER_IP"), scope="per-ip"))
    failed_auth = limiter.shared_limit(
        _setting("LIMIT_FAILED_AUTH_PER_IP"), scope="failed-client-auth",
        deduct_when=lambda response: response.status_code == 401
        and not g.get("client_authenticated", False))
    for endpoint in CLIENT_API:
        _wrap(app, endpoint, failed_auth)
    widget_posts = limiter.shared_limit(
        _setting("LIMIT_WIDGET_POSTS_PER_SESSION"), scope="widget-posts", key_func=_posted_session,
        methods=["POST"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in WIDGET_BLUEPRINTS and "POST" in rule.methods:
            _wrap(app, rule.endpoint, widget_posts)
    if app.config.get("SANDBOX"):
        _wrap(app, "sandbox_auth.issue_token",
              limiter.limit(_setting("LIMIT_SANDBOX_TOKEN_PER_IP"), scope="sandbox-token"))
        _wrap(app, "sandbox_api.users.create",
              limiter.limit(_setting("LIMIT_SANDBOX_USERS_PER_IP"), scope="sandbox-users"))
    if not any(app.config.get(name) for name in APP_WIDE):
        limiter.request_filter(_unlimited_endpoint)


# Every widget request's flow has a ChallengeAttempts: parsing its setting each time was a
# tenth of a poll's own work.
parsed_limit = functools.lru_cache(maxsize=16)(parse)


class ChallengeAttempts:
    """Wrong challenge answers of one widget session, counted against LIMIT_CHALLENGE_ANSWERS.

    The bank may allow more wrong codes than we do: this count stops guessing either way.
    """

    def __init__(self, session_id):
        limiter = current_app.extensions["passerelle_limiter"]
        self.enabled = limiter.enabled
        self.strategy = limiter.limiter if limiter.enabled else None
        self.item = parsed_limit(current_app.config["LIMIT_CHALLENGE_ANSWERS"])
        self.key = (current_app.config.get("RATELIMIT_KEY_PREFIX", "passerelle-limits"),
                    "wrong-challenge-answers", session_id)

    def exhausted(self):
        return self.enabled and not self.strategy.test(self.item, *self.key)

    def wrong(self):
        """Count a wrong answer; True when none is left."""
        if not self.enabled:
            return False
        self.strategy.hit(self.item, *self.key)
        return self.exhausted()
