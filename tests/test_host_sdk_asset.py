"""static/passerelle.js, the host SDK, as a Client's page gets it: small, fingerprinted and
cached like the other static files, and loadable from another origin."""
import gzip
import hashlib

import brotli
from flask import url_for

from tests.static_files import IMMUTABLE, source_of

SDK = "/static/passerelle.js"
MAX_COMPRESSED = 3000  # bytes: the SDK's budget (issue 13)


def fetch(client, url, **kwargs):
    with client.open(url, **kwargs) as response:
        response.get_data()
    return response


def test_the_sdk_is_under_3_kb_compressed():
    source = source_of(SDK)
    assert len(gzip.compress(source, compresslevel=9)) < MAX_COMPRESSED
    assert len(brotli.compress(source)) < MAX_COMPRESSED


def test_the_sdk_is_served_fingerprinted_and_immutable(app, client):
    with app.test_request_context():
        hashed = url_for("static", filename="passerelle.js")
    assert hashed == "/static/passerelle.%s.js" % hashlib.sha256(source_of(SDK)).hexdigest()[:12]
    response = fetch(client, hashed, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < MAX_COMPRESSED
    assert gzip.decompress(response.data) == source_of(SDK)


def test_the_plain_name_a_client_page_links_to_follows_the_server_within_a_minute(client):
    response = fetch(client, SDK, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert brotli.decompress(response.data) == source_of(SDK)
    # Nothing stops another origin's <script src> (no Cross-Origin-Resource-Policy).
    assert "Cross-Origin-Resource-Policy" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
