"""The session store down or refusing writes: a translated 503, never a 500 or a lost session.

Redis "goes down" through a relay the test cuts (tests/redis_relay.py): the machine's Redis keeps
running for everyone else.
"""
import shutil

import pytest

from tests.client_backend import sandbox_user
from tests.live_server import build_app
from tests.redis_relay import RedisRelay
from tests.session_stores import make_app, redis_available
from tests.widget_driver import create_session, open_widget, page_text, screen
from widget.store import StoreUnavailable, widget_sessions

UNAVAILABLE = {"fr": "Le service est momentanément indisponible",
               "en": "The service is briefly unavailable"}
SOME_ID = "A" * 43


@pytest.fixture
def relay():
    if not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    relay = RedisRelay()
    yield relay
    relay.close()


@pytest.fixture
def redis_app(tmp_path, relay):
    """The app and its sandbox, with its sessions in Redis through the relay (not started yet)."""
    app, server = build_app(tmp_path, REDIS_URL=relay.url)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


def assert_unavailable(response, lang="fr"):
    assert response.status_code == 503
    assert screen(response) == "store_unavailable"
    assert UNAVAILABLE[lang] in page_text(response)
    assert "Traceback" not in page_text(response)


def assert_json_unavailable(response):
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.get_json()["error"] == "temporarily_unavailable"


@pytest.mark.redis
def test_redis_down_at_start_up_then_back(redis_app, relay):
    client = redis_app.test_client()
    user = sandbox_user(redis_app, accept_terms=True)
    assert_json_unavailable(create_session(client, user))
    assert_unavailable(client.get("/widget/add_connection", query_string={"session_id": SOME_ID}))
    assert_unavailable(client.get("/widget/add_connection",
                                  query_string={"session_id": SOME_ID, "lng": "en"}), "en")
    assert_unavailable(client.get("/widget/add_connection", query_string={"session_id": SOME_ID},
                                  headers={"HX-Request": "true"}))

    redis_app.config["READY_CACHE_SECONDS"] = 0
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["failing"] == ["session_store"]

    relay.start()
    w, page = open_widget(client, user)
    assert page.status_code == 200 and screen(page) == "providers"
    assert client.get("/readyz").status_code == 200


@pytest.mark.redis
def test_redis_down_mid_flow_then_the_same_session_goes_on(redis_app, relay):
    relay.start()
    client = redis_app.test_client()
    user = sandbox_user(redis_app, accept_terms=True)
    w, page = open_widget(client, user, provider_id="web")
    assert screen(page) == "credentials"

    relay.cut()
    redis_app.config["READY_CACHE_SECONDS"] = 0
    assert client.get("/readyz").get_json()["failing"] == ["session_store"]
    assert_unavailable(w.get("/widget/add_connection"))
    assert_unavailable(w.post("/widget/add_connection/credentials", login="question", password="pw"))
    assert_unavailable(w.post("/widget/add_connection/credentials", htmx=True, login="question",
                              password="pw"))
    assert_json_unavailable(client.get(f"/widget_session/{w.session_id}/events",
                                       auth=("demo-client", "demo-secret")))

    relay.restore()
    assert screen(w.get("/widget/add_connection")) == "credentials"
    assert screen(w.post("/widget/add_connection/credentials", login="question",
                         password="pw")) == "challenge"


@pytest.mark.redis
def test_the_playground_session_on_a_down_redis_is_a_503(redis_app, relay):
    """Flask-Session reads the cookie's session before any view: Flask's last-resort path."""
    redis_app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production (TESTING re-raises)
    relay.start()
    client = redis_app.test_client()
    assert client.get("/").status_code == 200
    assert client.get_cookie("session") is not None  # the playground's own session
    relay.cut()
    assert_unavailable(client.get("/"))


def test_a_session_folder_that_refuses_writes_is_a_503(tmp_path):
    app, server = build_app(tmp_path)
    server.start()
    app.live_url = server.url
    try:
        client = app.test_client()
        user = sandbox_user(app, accept_terms=True)
        folder = tmp_path / "instance" / "sessions"
        shutil.rmtree(folder)
        folder.write_text("not a folder")
        assert_json_unavailable(create_session(client, user))
    finally:
        server.stop()


def test_ping_on_the_filesystem(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        widget_sessions().ping()
        shutil.rmtree(tmp_path / "sessions")
        (tmp_path / "sessions").write_text("not a folder")
        with pytest.raises(StoreUnavailable):
            widget_sessions().ping()


@pytest.mark.redis
def test_ping_on_redis(tmp_path, relay):
    app = make_app(tmp_path, REDIS_URL=relay.url)
    with app.app_context():
        with pytest.raises(StoreUnavailable):
            widget_sessions().ping()
        relay.start()
        widget_sessions().ping()
        relay.cut()
        with pytest.raises(StoreUnavailable):
            widget_sessions().ping()
