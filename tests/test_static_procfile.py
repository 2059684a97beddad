"""The Procfile's gunicorn, on an empty instance folder, serves the assets compressed and hashed."""
import gzip
import re
from types import SimpleNamespace

import brotli
import pytest
import requests

from tests.client_backend import CLIENT, sandbox_user
from tests.procfile_server import ProcfileServer, fetch_raw
from tests.static_files import ASSET_URL, IMMUTABLE, source_of


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("procfile")
    # Two workers start together on an empty instance folder: both build the assets.
    server = ProcfileServer(INSTANCE_PATH=str(folder / "instance"), WEB_CONCURRENCY="2")
    server.start()
    yield server
    server.stop()


def open_widget_page(base, accept="br, gzip"):
    user = sandbox_user(SimpleNamespace(live_url=base), accept_terms=True)
    created = requests.post(base + "/widget_session", auth=CLIENT, timeout=30, data={
        "access_token": user["access_token"], "refresh_token": user["refresh_token"],
        "redirect_url": base + "/playground/return"})
    assert created.status_code == 201, created.text
    return fetch_raw(base, "/widget/add_connection?session_id=" + created.json()["session_id"],
                     headers={"Accept-Encoding": accept})


@pytest.mark.parametrize("accept, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_a_widget_page_then_its_assets_over_real_http(server, accept, decode):
    page = open_widget_page(server.url, accept)
    assert page.status == 200 and page.header("Cache-Control") == "no-store"
    assert page.header("Content-Encoding") == accept  # the page too (no cookie: no BREACH)
    urls = ASSET_URL.findall(decode(page.body).decode())
    assert len(urls) == 3 and all(re.search(r"\.[0-9a-f]{12}\.(css|js)$", url) for url in urls)
    for url in urls:
        asset = fetch_raw(server.url, url, headers={"Accept-Encoding": accept})
        assert asset.status == 200, (url, asset.status)
        assert asset.header("Content-Encoding") == accept
        assert asset.header("Vary") == "Accept-Encoding"
        assert asset.header("Cache-Control") == IMMUTABLE
        assert asset.header("X-Content-Type-Options") == "nosniff"
        assert asset.header("Referrer-Policy") == "no-referrer"
        assert decode(asset.body) == source_of(url)


def test_traversal_over_real_http_is_refused(server):
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py",
                 "/sandbox/static/../../widget/__init__.py"):
        answer = fetch_raw(server.url, path)
        assert answer.status in (400, 404), (path, answer.status)
        assert b"create_app" not in answer.body


def test_every_worker_serves_the_same_names(server):
    # gunicorn spreads new connections over its workers: many fresh connections reach both.
    names = {tuple(ASSET_URL.findall(fetch_raw(server.url, "/").body.decode())) for _ in range(20)}
    assert len(names) == 1
    assert "Traceback" not in server.log()


def test_the_host_sdk_over_real_http_as_a_client_page_loads_it(server):
    # A Client's page links the plain name (docs: Embedding): short-lived, compressed, < 3 kB.
    answer = fetch_raw(server.url, "/static/passerelle.js", headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200 and answer.header("Content-Encoding") == "gzip"
    assert answer.header("Cache-Control") == "public, max-age=60"
    assert len(answer.body) < 3000
    assert gzip.decompress(answer.body) == source_of("/static/passerelle.js")
