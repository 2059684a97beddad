"""Widget pages and API answers travel compressed; nothing answered to a cookie is."""
import gzip

import brotli
import pytest
from flask import make_response

from tests.widget_driver import open_widget
from widget.compression import compress_response


@pytest.fixture
def page_path(client, user):
    widget, _ = open_widget(client, user)
    return "/widget/add_connection?session_id=" + widget.session_id


@pytest.mark.parametrize("accept, coding, decode", [
    ("br", "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    ("gzip, deflate, br, zstd", "br", brotli.decompress),  # Chromium's
    ("br;q=0.5, gzip;q=1", "gzip", gzip.decompress),
])
def test_a_widget_page_is_compressed_as_the_browser_asks(client, page_path, accept, coding, decode):
    plain = client.get(page_path).get_data()
    compressed = client.get(page_path, headers={"Accept-Encoding": accept})
    assert compressed.headers["Content-Encoding"] == coding
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert compressed.headers["Cache-Control"] == "no-store"
    assert len(compressed.get_data()) < len(plain) / 3
    assert decode(compressed.get_data()) == plain


@pytest.mark.parametrize("accept", [None, "identity", "br;q=0, gzip;q=0", "compress"])
def test_no_compression_unless_asked_for(client, page_path, accept):
    response = client.get(page_path, headers={"Accept-Encoding": accept} if accept else {})
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.get_data()
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_request_with_a_cookie_gets_nothing_compressed(client, page_path):
    """BREACH needs a credential the browser sends by itself: with a cookie, no compression."""
    client.set_cookie("session", "anything")
    response = client.get(page_path, headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in response.headers


def test_htmx_fragments_are_compressed_too(client, user):
    widget, _ = open_widget(client, user)
    response = client.get("/widget/add_connection/providers", query_string={
        "session_id": widget.session_id, "q": "banque"},
        headers={"HX-Request": "true", "Accept-Encoding": "br"})
    assert response.status_code == 200
    if len(brotli.decompress(response.get_data())) >= 1024:
        assert response.headers["Content-Encoding"] == "br"


def test_small_answers_are_left_alone(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in response.headers
    assert response.json == {"status": "ok"}


@pytest.mark.parametrize("cookie", ["session=anything", "not a cookie pair", "=; ;"])
def test_any_cookie_header_turns_compression_off(client, page_path, cookie):
    """A Cookie header the server cannot read is still one the browser sent by itself."""
    sending = client.application.test_client(use_cookies=False)  # the header as it is
    response = sending.get(page_path, headers={"Accept-Encoding": "br", "Cookie": cookie})
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.get_data()


@pytest.mark.parametrize("preset", [{"Content-Encoding": "gzip"}, {"content-encoding": "br"}])
def test_an_answer_already_encoded_is_left_as_it_is(app, preset):
    body = b"<p>" + b"x" * 4000 + b"</p>"
    with app.test_request_context("/widget/add_connection", headers={"Accept-Encoding": "br"}):
        response = make_response(body)
        response.headers.update(preset)
        compress_response(response)
    assert response.get_data() == body and response.headers.getlist("Content-Encoding") == [
        *preset.values()]
