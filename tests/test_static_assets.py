"""Static files through WhiteNoise: fingerprinted, precompressed, immutable, and still safe."""
import gzip
import hashlib
import os
import re
import threading

import brotli
import pytest
from flask import url_for

from tests.static_files import ASSET_URL, IMMUTABLE, source_of
from tests.widget_driver import create_session
from widget import assets
from widget.config import ROOT

SECURITY_HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}


def fetch(client, url, method="GET", **kwargs):
    """The response, read and closed (WhiteNoise answers with an open file)."""
    with client.open(url, method=method, **kwargs) as response:
        response.get_data()
    return response


def asset_urls(page):
    return ASSET_URL.findall(page.get_data(as_text=True))


def widget_page(client, user):
    created = create_session(client, user, redirect_url="http://localhost:5000/playground/return")
    return client.get("/widget/add_connection", query_string={
        "session_id": created.get_json()["session_id"]})


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.status, name)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_widget_page_links_its_assets_by_content_hash_and_stays_no_store(client, user):
    page = widget_page(client, user)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    urls = asset_urls(page)
    assert [re.sub(r"\.[0-9a-f]{12}\.", ".<hash>.", url) for url in urls] == [
        "/static/style.<hash>.css", "/static/htmx-2.0.11.min.<hash>.js", "/static/widget.<hash>.js"]
    for url in urls:
        digest = re.search(r"\.([0-9a-f]{12})\.[a-z]+$", url).group(1)
        assert digest == hashlib.sha256(source_of(url)).hexdigest()[:12]


def test_playground_and_bank_portal_pages_link_hashed_assets_too(client):
    home = client.get("/")
    assert home.headers["Cache-Control"] == "no-store"
    assert len(asset_urls(home)) == 4
    assert all(re.search(r"\.[0-9a-f]{12}\.(css|js)$", url) for url in asset_urls(home))


@pytest.mark.parametrize("url", ["/static/htmx-2.0.11.min.js", "/static/widget.js",
                                 "/static/style.css", "/sandbox/static/sandbox.css"])
def test_url_for_gives_the_hashed_name_of_every_asset(app, url):
    endpoint = "sandbox_assets.static" if url.startswith("/sandbox/") else "static"
    with app.test_request_context():
        hashed = url_for(endpoint, filename=url.rsplit("/", 1)[1])
    assert hashed != url and hashed.startswith(url.rsplit("/", 1)[0] + "/")
    assert hashed.rsplit(".", 2)[1] == hashlib.sha256(source_of(url)).hexdigest()[:12]


def test_url_for_leaves_a_name_it_does_not_know_alone(app):
    with app.test_request_context():
        assert url_for("static", filename="not-there.js") == "/static/not-there.js"


def test_hashed_assets_are_cached_for_a_year_as_immutable(client, user):
    for url in asset_urls(widget_page(client, user)):
        response = fetch(client, url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.data == source_of(url)  # no Accept-Encoding: the file as it is
        assert "Content-Encoding" not in response.headers
        assert_security_headers(response)


@pytest.mark.parametrize("accept, encoding, decode", [
    ("br", "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    ("gzip, deflate, br, zstd", "br", brotli.decompress),  # what a browser sends: the smaller
])
def test_assets_come_precompressed_as_the_browser_accepts(client, user, accept, encoding, decode):
    for url in asset_urls(widget_page(client, user)):
        response = fetch(client, url, headers={"Accept-Encoding": accept})
        assert response.headers["Content-Encoding"] == encoding
        assert response.headers["Vary"] == "Accept-Encoding"
        assert int(response.headers["Content-Length"]) == len(response.data) < len(source_of(url))
        assert decode(response.data) == source_of(url)


@pytest.mark.parametrize("url", ["/static/widget.js", "/static/htmx-2.0.11.min.js",
                                 "/static/htmx-LICENSE.txt", "/sandbox/static/sandbox.css"])
def test_plain_names_still_work_with_a_short_max_age(client, url):
    response = fetch(client, url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert gzip.decompress(response.data) == source_of(url)
    assert_security_headers(response)


@pytest.mark.parametrize("url", ["/static/nothing.js", "/static/widget.0123456789ab.js",
                                 "/static/", "/sandbox/static/nothing.css",
                                 "/sandbox/static/sandbox.css.br", "/static/style.css.gz"])
def test_an_unknown_asset_is_404(client, url):
    response = fetch(client, url, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.parametrize("url", [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/..%5capp.py",
    "/static/../instance/secret_key", "/static/..%2f..%2fetc/passwd",
    "/sandbox/static/../../../app.py", "/sandbox/static/..%2f__init__.py",
])
def test_traversal_out_of_the_static_folders_is_refused(client, url):
    response = fetch(client, url)
    assert response.status_code == 404
    assert b"create_app" not in response.data and b"root:" not in response.data
    assert_security_headers(response)


def test_security_headers_on_every_static_answer(client):
    first = fetch(client, "/static/widget.js")
    etag = first.headers["ETag"]
    not_modified = fetch(client, "/static/widget.js", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    head = fetch(client, "/static/widget.js", method="HEAD")
    assert head.status_code == 200 and head.data == b""
    refused = fetch(client, "/static/widget.js", method="POST")
    assert refused.status_code == 405
    for response in (first, not_modified, head, refused):
        assert_security_headers(response)
    # The stylesheet and scripts of a page can never widen a page's frame-ancestors.
    assert first.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")


def test_the_etag_comes_from_the_content_so_every_machine_agrees(client):
    response = fetch(client, "/static/widget.js")
    assert response.headers["ETag"] == '"%s"' % hashlib.sha256(source_of("/static/widget.js")).hexdigest()[:12]


def test_built_files_are_reused_by_the_next_worker(tmp_path):
    from widget import create_app

    settings = {"TESTING": True, "SANDBOX": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
    create_app(settings)
    built = sorted(p for p in (tmp_path / "assets").rglob("*") if p.is_file())
    assert {p.suffix for p in built} >= {".br", ".gz", ".js", ".css"}
    assert not [p for p in built if p.name.startswith(".partial-")]
    before = {p: p.stat().st_mtime_ns for p in built}
    later = create_app(settings).test_client()
    assert {p: p.stat().st_mtime_ns for p in built} == before
    assert fetch(later, "/static/widget.js").data == source_of("/static/widget.js")


def test_workers_building_the_same_file_at_once_leave_it_whole(tmp_path):
    data = os.urandom(4096) + b"a" * 200_000  # big enough for the writes to overlap
    path = tmp_path / "big.0123456789ab.js"
    seen = []

    def read_while_built():
        # What another worker starting now would find: nothing yet, or every file whole.
        while not done.is_set():
            if path.exists():
                seen.append((path.read_bytes() == data, (tmp_path / (path.name + ".br")).exists()))

    done = threading.Event()
    reader = threading.Thread(target=read_while_built)
    reader.start()
    threads = [threading.Thread(target=assets.build, args=(str(path), data)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()
    assert set(seen) <= {(True, True)}
    assert path.read_bytes() == data
    assert brotli.decompress((tmp_path / "big.0123456789ab.js.br").read_bytes()) == data
    assert gzip.decompress((tmp_path / "big.0123456789ab.js.gz").read_bytes()) == data
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "big.0123456789ab.js", "big.0123456789ab.js.br", "big.0123456789ab.js.gz"]


def test_the_plain_copy_is_written_last(tmp_path, monkeypatch):
    written = []
    write = assets.write_atomically
    monkeypatch.setattr(assets, "write_atomically", lambda p, d: (written.append(p), write(p, d)))
    path = str(tmp_path / "app.0123456789ab.js")
    assets.build(path, b"console.log('hello');\n" * 50)
    assert written == [path + ".br", path + ".gz", path]
    assets.build(path, b"console.log('hello');\n" * 50)  # already there: nothing written
    assert len(written) == 3


def test_a_file_not_worth_compressing_is_kept_plain(tmp_path):
    path = tmp_path / "noise.0123456789ab.js"
    assets.build(str(path), os.urandom(2048))
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("name, hashed", [
    ("style.css", "style.0123456789ab.css"),
    ("htmx-2.0.11.min.js", "htmx-2.0.11.min.0123456789ab.js"),
    ("fonts/a.woff2", "fonts/a.0123456789ab.woff2"),
    ("LICENSE", "LICENSE.0123456789ab"),
    ("v1.2/LICENSE", "v1.2/LICENSE.0123456789ab"),
])
def test_hashed_names_keep_the_extension(name, hashed):
    assert assets.hashed_name(name, "0123456789ab") == hashed


def test_our_stylesheets_and_scripts_are_served_without_their_comments(client):
    """Comments are for whoever reads the tree: they were a third of the first screen's CSS
    and JavaScript. Every rule and statement is served; a minified file is served as it is."""
    css = fetch(client, "/static/style.css").data.decode()
    with open(os.path.join(ROOT, "static", "style.css"), encoding="utf-8") as fh:
        source = fh.read()
    assert "/*" in source and "/*" not in css and "*/" not in css
    assert re.sub(r"/\*.*?\*/", "", source, flags=re.S) == css
    script = fetch(client, "/static/widget.js").data.decode()
    with open(os.path.join(ROOT, "static", "widget.js"), encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert [line for line in lines if not line.strip().startswith("//")] == script.splitlines()
    assert "if (!back) return; // the browser closes it" in script  # after code: kept
    with open(os.path.join(ROOT, "static", "htmx-2.0.11.min.js"), "rb") as fh:
        assert fetch(client, "/static/htmx-2.0.11.min.js").data == fh.read()


def test_a_comment_is_not_what_a_line_of_code_is():
    served = assets.served_form("a.js", b'  // why\nconst url = "http://x"; // why\n//\n')
    assert served == b'const url = "http://x"; // why\n'
    assert assets.served_form("a.css", b"a { /* x */ color: red; }\n/* b\n c */\n") == (
        b"a {  color: red; }\n\n")
    assert assets.served_form("a.min.js", b"// kept\n") == b"// kept\n"
    assert assets.served_form("a.svg", b"<!-- kept -->") == b"<!-- kept -->"
