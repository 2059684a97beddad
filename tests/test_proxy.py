"""Behind a router: X-Forwarded-* are believed only from as many proxies as TRUSTED_PROXIES says."""
import pytest
import requests

from flask import request

from tests.procfile_server import ProcfileServer
from widget import create_app
from widget.clients import client_registry

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "widget.example.com",
             "X-Forwarded-For": "203.0.113.9"}


def make_app(tmp_path, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "t", "INSTANCE_PATH": str(tmp_path),
                       "SANDBOX": True, "PUBLIC_BASE_URL": None, **config})


def host_url_seen(app, headers):
    seen = {}
    app.before_request(lambda: seen.update(url=request.host_url))
    app.test_client().get("/healthz", headers=headers)
    return seen["url"]


def test_forwarded_headers_are_ignored_by_default(tmp_path):
    app = make_app(tmp_path)
    assert host_url_seen(app, FORWARDED) == "http://localhost/"
    response = app.test_client().get("/healthz", headers=FORWARDED)
    assert "Strict-Transport-Security" not in response.headers


def test_one_trusted_proxy_gives_scheme_and_host(tmp_path):
    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    assert host_url_seen(app, FORWARDED) == "https://widget.example.com/"
    response = app.test_client().get("/healthz", headers=FORWARDED)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_only_the_last_hop_is_believed(tmp_path):
    """A client's own X-Forwarded-Host comes first in the list; the router's value is last."""
    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    assert host_url_seen(app, {
        "X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "evil.example, widget.example.com",
        "X-Forwarded-For": "198.51.100.1, 203.0.113.9"}) == "https://widget.example.com/"


def test_no_hsts_over_plain_http(tmp_path):
    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    response = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in response.headers


def test_the_demo_client_accepts_the_public_origin_with_the_sandbox(tmp_path):
    app = make_app(tmp_path, PUBLIC_BASE_URL="https://passerelle.example.com")
    with app.app_context():
        registry = client_registry()
        assert registry.redirect_allowed("demo-client", "https://passerelle.example.com/playground/return")
        assert "https://passerelle.example.com" in registry.frame_ancestors("demo-client")
        assert not registry.redirect_allowed("demo-client", "https://evil.example/playground/return")
        assert not registry.redirect_allowed("demo-client", "https://passerelle.example.com.evil.example/")


def test_without_the_sandbox_the_public_origin_is_not_a_demo_client(tmp_path):
    app = make_app(tmp_path, SANDBOX=False, API_BASE_URL="https://api.example.com",
                       AUTH_BASE_URL="https://auth.example.com",
                       PUBLIC_BASE_URL="https://passerelle.example.com",
                       SESSION_ENCRYPTION_KEYS="Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w=")
    with app.app_context():
        assert not client_registry().redirect_allowed(
            "demo-client", "https://passerelle.example.com/playground/return")


@pytest.mark.parametrize("trusted, hsts", [("0", False), ("1", True)])
def test_through_the_procfile_command(tmp_path, trusted, hsts):
    """gunicorn itself must not believe a local peer's X-Forwarded-Proto either."""
    with ProcfileServer(INSTANCE_PATH=str(tmp_path), TRUSTED_PROXIES=trusted) as server:
        response = requests.get(server.url + "/healthz", headers=FORWARDED, timeout=10)
    assert response.status_code == 200
    assert ("Strict-Transport-Security" in response.headers) is hsts


def test_static_files_get_hsts_over_https_too(tmp_path):
    """WhiteNoise answers before Flask: the proxy's scheme must reach it, and HSTS with it."""
    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    client = app.test_client()
    with client.get("/static/style.css", headers=FORWARDED) as over_https:
        assert "Strict-Transport-Security" in over_https.headers
    with client.get("/static/style.css") as over_http:
        assert "Strict-Transport-Security" not in over_http.headers
