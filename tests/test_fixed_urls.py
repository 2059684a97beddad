"""fixed_url: url_for once per app and script root for the URLs a page repeats unchanged;
query_url: that path and a query, as url_for makes them."""
import pytest
from flask import url_for

from widget.fixed_urls import MAX_URLS, fixed_url, query_url


def test_the_same_url_as_url_for_built_once(app, monkeypatch):
    with app.test_request_context("/widget/add_connection"):
        first = fixed_url("static", filename="style.css")
        assert first == url_for("static", filename="style.css") != "/static/style.css"
        assert fixed_url("widgets.cancel") == url_for("widgets.cancel")
        monkeypatch.setattr("widget.fixed_urls.url_for", lambda *a, **k: "/built-again")
        assert fixed_url("static", filename="style.css") == first
        assert fixed_url("static", filename="widget.js") == "/built-again"  # another URL


def test_each_script_root_has_its_own(app):
    with app.test_request_context("/widget/add_connection"):
        plain = fixed_url("widgets.cancel")
    with app.test_request_context("/widget/add_connection", base_url="http://localhost/under"):
        assert fixed_url("widgets.cancel") == "/under" + plain


def test_a_bounded_number_of_urls_is_kept(app):
    for n in range(MAX_URLS + 10):  # e.g. as many script roots as requests may name
        with app.test_request_context("/", base_url="http://localhost/r%d" % n):
            assert fixed_url("widgets.cancel") == "/r%d/widget/cancel" % n
    assert len(app.extensions["fixed_urls"]) == MAX_URLS


@pytest.mark.parametrize("query", [
    {},
    {"session_id": "abc_DEF-123"},
    {"session_id": "s", "q": "crédit agricole", "page": 2},
    {"q": "a&b=c+d", "page": 0},
    {"q": "/?#%[]{}<>\"'!$()*,:;@~|^`\\", "page": -1},
    {"q": "", "theme": None},  # None left out, "" kept
    {"q": "  spaces  ", "session_id": "s"},
    {"q": "東京 😀", "page": 10 ** 12},
    {"q": True},
])
@pytest.mark.parametrize("base_url", ["http://localhost", "http://localhost/under"])
def test_query_url_is_url_for(app, query, base_url):
    with app.test_request_context("/widget/add_connection", base_url=base_url):
        for endpoint in ("add_connection.search_providers", "widgets.theme",
                         "add_connection.wait"):
            assert query_url(endpoint, **query) == url_for(endpoint, **query)


def test_query_url_renders_as_url_for_in_a_template(app):
    source = "{{ %s('add_connection.search_providers', session_id='s', q=q, page=1) }}"
    with app.test_request_context("/widget/add_connection"):
        rendered = [app.jinja_env.from_string(source % name).render(q="a&b <c>")
                    for name in ("query_url", "url_for")]
    assert rendered[0] == rendered[1] and "&amp;" in rendered[0]
