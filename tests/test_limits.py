"""Rate limits (issue 9 item 7), each with its limit set low and the limiter on."""
import uuid

import pytest
import requests

from tests.client_backend import CLIENT, basic, needing_user, sandbox_user
from tests.live_server import build_app
from tests.widget_driver import (create_session, ended, open_user_input, open_widget,
                                 page_text, screen)

ELSEWHERE = {"REMOTE_ADDR": "192.0.2.77"}
ANSWER = "/widget/user_input/challenge"


@pytest.fixture
def limited(tmp_path, clock):
    """Build and serve an app with the given limits (its own in-memory counts)."""
    servers = []

    def make(**config):
        app, server = build_app(tmp_path / str(len(servers)), SANDBOX_CLOCK=clock,
                                WIDGET_CLOCK=clock, RATELIMIT_ENABLED=True, **config)
        servers.append(server.start())
        app.live_url = server.url
        return app

    yield make
    for server in servers:
        server.stop()



def assert_too_many(response):
    assert response.status_code == 429
    body = response.get_json()
    assert body["error"] == "too_many_requests" and body["error_description"]
    assert int(response.headers["Retry-After"]) > 0


def test_session_creation_per_client(limited):
    app = limited(LIMIT_SESSIONS_PER_CLIENT="2 per minute")
    client, user = app.test_client(), sandbox_user(app, accept_terms=True)
    refused = create_session(client, user, auth=(CLIENT[0], "wrong"))
    assert refused.status_code == 401  # a failed authentication is not the client's
    assert create_session(client, user).status_code == 201
    assert create_session(client, user).status_code == 201
    assert_too_many(create_session(client, user))


def test_session_creation_per_ip(limited):
    app = limited(LIMIT_SESSIONS_PER_IP="2 per minute")
    client, user = app.test_client(), sandbox_user(app, accept_terms=True)
    for _ in range(2):
        assert create_session(client, user).status_code == 201
    assert_too_many(create_session(client, user))
    assert_too_many(client.post("/widget/widget_session", data={"access_token": "x"}))
    client.environ_base.update(ELSEWHERE)
    assert create_session(client, user).status_code == 201  # another address is not limited


def test_failed_client_authentications_per_ip(limited):
    app = limited(LIMIT_FAILED_AUTH_PER_IP="2 per minute")
    client, user = app.test_client(), sandbox_user(app, accept_terms=True)
    for _ in range(3):  # successes do not count
        assert create_session(client, user).status_code == 201
    assert create_session(client, user, auth=(CLIENT[0], "bad")).status_code == 401
    assert client.get("/widget_session/%s/events" % ("a" * 43),
                      headers=basic("nobody", "x")).status_code == 401
    assert_too_many(create_session(client, user))  # even with good credentials, from there
    assert_too_many(client.delete("/widget_session/%s" % ("a" * 43), headers=basic(*CLIENT)))
    client.environ_base.update(ELSEWHERE)
    assert create_session(client, user).status_code == 201


def test_widget_posts_per_session(limited):
    app = limited(LIMIT_WIDGET_POSTS_PER_SESSION="2 per minute")
    client, user = app.test_client(), sandbox_user(app, accept_terms=True)
    w, _ = open_user_input(client, user, "1")  # no such connection: the run ends, posts go on
    other, _ = open_user_input(client, user, "1")
    for _ in range(2):
        assert w.post("/widget/cancel").status_code != 429
    page = w.post("/widget/cancel", headers={"Accept-Language": "en"})
    assert page.status_code == 429 and screen(page) == "too_many_requests"
    assert "Too many requests" in page_text(page)
    french = w.post("/widget/cancel", headers={"Accept-Language": "fr"})
    assert "Trop de requêtes" in page_text(french)
    assert other.post("/widget/cancel").status_code != 429  # another session is not limited


@pytest.mark.parametrize("lng, title", [("en", "Too many attempts"), ("fr", "Trop de tentatives")])
def test_wrong_challenge_answers_per_session(limited, clock, lng, title):
    # Below the sandbox bank's own 3: the widget's limit holds whatever the bank allows.
    app = limited(LIMIT_CHALLENGE_ANSWERS="2 per hour")
    client, user = app.test_client(), sandbox_user(app, accept_terms=True)
    connection_id = needing_user(app, user, clock)
    w, _ = open_user_input(client, user, connection_id, lng=lng)
    assert w.post(ANSWER, answer="").status_code == 422  # an empty answer is not a wrong code
    assert w.post(ANSWER, answer="1").status_code == 422
    page = w.post(ANSWER, answer="2")
    assert page.status_code == 429 and screen(page) == "too_many_attempts"
    assert title in page_text(page)
    again = w.post(ANSWER, answer="123456")  # even the right code is not sent any more
    assert again.status_code == 429 and screen(again) == "too_many_attempts"
    assert screen(w.get("/widget/user_input", connection_id=connection_id)) == "too_many_attempts"
    params = ended(w.post("/widget/user_input/failed"))
    assert params["result"] == "error" and params["error"] == "too_many_attempts"
    assert params["connection_id"] == connection_id


def token_request(app, address):
    return requests.post(app.live_url + "/sandbox/auth/token", auth=CLIENT, timeout=10,
                         data={"grant_type": "client_credentials"},
                         headers={"X-Forwarded-For": address})


def test_sandbox_token_and_users_per_ip(limited):
    app = limited(LIMIT_SANDBOX_TOKEN_PER_IP="2 per minute", LIMIT_SANDBOX_USERS_PER_IP="1 per minute")
    client = app.test_client()
    client.environ_base.update(ELSEWHERE)
    auth = basic(*CLIENT)
    for _ in range(2):
        assert client.post("/sandbox/auth/token", headers=auth,
                           data={"grant_type": "client_credentials"}).status_code == 200
    assert_too_many(client.post("/sandbox/auth/token", headers=auth,
                                data={"grant_type": "client_credentials"}))
    token = requests.post(app.live_url + "/sandbox/auth/token", auth=CLIENT, timeout=10,
                          data={"grant_type": "client_credentials"}).json()["access_token"]
    bearer = {"Authorization": "Bearer " + token}
    users = "/sandbox/api/v2.1/users"
    assert client.post(users, headers=bearer, json={"email": "a@example.com"}).status_code != 429
    assert_too_many(client.post(users, headers=bearer, json={"email": "b@example.com"}))


def test_health_checks_are_never_limited(limited):
    tight = "1 per minute"
    app = limited(**{name: tight for name in (
        "LIMIT_SESSIONS_PER_CLIENT", "LIMIT_SESSIONS_PER_IP", "LIMIT_FAILED_AUTH_PER_IP",
        "LIMIT_WIDGET_POSTS_PER_SESSION", "LIMIT_SANDBOX_TOKEN_PER_IP", "LIMIT_SANDBOX_USERS_PER_IP")})
    client = app.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("proxies, separate", [(1, True), (0, False)])
def test_the_address_is_the_trusted_proxys_only(limited, proxies, separate):
    app = limited(LIMIT_SANDBOX_TOKEN_PER_IP="1 per minute", TRUSTED_PROXIES=proxies)
    client = app.test_client()

    def token(forwarded_for):
        return client.post("/sandbox/auth/token", headers={**basic(*CLIENT),
                           "X-Forwarded-For": forwarded_for},
                           data={"grant_type": "client_credentials"}).status_code

    assert token("203.0.113.1") == 200
    # With no trusted proxy, a forged X-Forwarded-For changes nothing.
    assert token("203.0.113.2") == (200 if separate else 429)


@pytest.mark.redis
def test_counts_are_kept_in_redis_when_configured(limited):
    prefix = "test-limits-%s" % uuid.uuid4().hex
    settings = {"REDIS_URL": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": prefix,
                "LIMIT_SESSIONS_PER_IP": "2 per minute"}
    first, second = limited(**settings), limited(**settings)  # two processes, one Redis
    user = sandbox_user(first, accept_terms=True)
    assert create_session(first.test_client(), user).status_code == 201
    # Each app has its own sandbox: its own user, the same address and the same count.
    other_user = sandbox_user(second, accept_terms=True)
    assert create_session(second.test_client(), other_user).status_code == 201
    assert_too_many(create_session(first.test_client(), user))
    import redis
    keys = redis.Redis(host="127.0.0.1", port=6379).keys("*%s*" % prefix)
    assert keys


def test_a_view_without_limits_is_not_searched_for_any(limited, monkeypatch):
    """Flask-Limiter looks for limits on every request; ours are all on the views that carry
    them, so a request to any other view skips the search, and a limited one does not."""
    app = limited(LIMIT_WIDGET_POSTS_PER_SESSION="1 per minute")
    user = sandbox_user(app, accept_terms=True)
    limiter = app.extensions["passerelle_limiter"]
    searched = []
    resolve = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(limiter.limit_manager, "resolve_limits",
                        lambda *a, **k: searched.append(a[1]) or resolve(*a, **k))
    client = app.test_client()
    w, page = open_widget(client, user)
    assert page.status_code == 200
    assert "session_api.create_widget_session" in searched
    searched.clear()
    for _ in range(3):
        assert w.get("/widget/add_connection/providers").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert searched == []
    assert w.post("/widget/add_connection/provider", provider_id="nope").status_code != 429
    assert w.post("/widget/add_connection/provider", provider_id="nope").status_code == 429
    assert set(searched) == {"add_connection.select_provider"}
