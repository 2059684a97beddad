"""The response headers of DESIGN.md section 9 as set_security_headers leaves them, over a table
of what the view set before it: added where absent, a view's own policy kept, the rest set."""
import pytest
from flask import g, make_response

from widget import create_app
from widget.public_url import IN_PROCESS_KEY
from widget.security import set_security_headers

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
          "https://logos.example; object-src 'none'; base-uri 'none'; frame-ancestors ")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({
        "TESTING": True, "SECRET_KEY": "t", "SANDBOX": False,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "LOGO_ORIGINS": "https://logos.example", "PUBLIC_BASE_URL": "https://w.example",
        "API_BASE_URL": "https://api.bank.example/v2.1", "AUTH_BASE_URL": "https://auth.bank.example",
        "SESSION_ENCRYPTION_KEYS": "Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w="})


@pytest.mark.parametrize("url, context, preset, expected", [
    ("http://w.example/widget/x", {}, {},
     {"Content-Security-Policy": POLICY + "'self'", "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
      "Strict-Transport-Security": None}),
    ("https://w.example/widget/x", {}, {},
     {"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
      "Cache-Control": "no-store"}),
    ("http://w.example/static/app.css", {}, {"Cache-Control": "public, max-age=60"},
     {"Cache-Control": "public, max-age=60", "Referrer-Policy": "no-referrer"}),
    ("http://w.example/static/app.css", {}, {}, {"Cache-Control": None}),
    ("http://w.example/openapi.json", {"cacheable": True}, {"Cache-Control": "max-age=300"},
     {"Cache-Control": "max-age=300"}),
    ("http://w.example/widget/x", {}, {"Cache-Control": "public", "Referrer-Policy": "origin"},
     {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}),
    ("http://w.example/widget/x", {}, {"Content-Security-Policy": "default-src 'none'"},
     {"Content-Security-Policy": "default-src 'none'"}),  # the view's own
    ("http://w.example/widget/x", {"frame_ancestors": ["https://client.example"]}, {},
     {"Content-Security-Policy": POLICY + "https://client.example"}),
    ("http://w.example/widget/x", {"frame_src": ["https://w.example"]}, {},
     {"Content-Security-Policy": POLICY + "'self'; frame-src 'self' https://w.example"}),
])
def test_each_response_gets_the_headers_of_section_9(app, url, context, preset, expected):
    with app.test_request_context(url):
        for name, value in context.items():
            setattr(g, name, value)
        response = make_response("page")
        for name, value in preset.items():
            response.headers[name] = value
        set_security_headers(response)
    for name, value in expected.items():
        assert response.headers.get(name) == value, name
    assert all(len(response.headers.getlist(name)) <= 1 for name in response.headers.keys())


def test_an_answer_read_in_process_gets_none(app):
    with app.test_request_context("http://w.example/widget/x",
                                  environ_base={IN_PROCESS_KEY: True}):
        response = set_security_headers(make_response("page"))
    assert "Content-Security-Policy" not in response.headers
    assert "Cache-Control" not in response.headers
