"""Hostile input answers a clear 4xx, never a 5xx (issue 9 item 3)."""
import base64
import re

import pytest

from tests.client_backend import CLIENT
from tests.widget_driver import RETURN, Widget, create_session, page_text, screen

NOT_PRINTABLE_ASCII = ["\u2028", "\U0001f600", "\u00e9", "\x00", "demo-secret\n"]


@pytest.mark.parametrize("value", NOT_PRINTABLE_ASCII)
@pytest.mark.parametrize("field", ["client_id", "client_secret"])
@pytest.mark.parametrize("carrier", ["form", "query", "json"])
def test_client_credentials_outside_printable_ascii_are_invalid_client(
        client, user, value, field, carrier):
    values = {"client_id": CLIENT[0], "client_secret": CLIENT[1],
              "access_token": user["access_token"], field: value}
    if carrier == "form":
        response = client.post("/widget_session", data=values)
    elif carrier == "query":
        response = client.post("/widget_session", query_string=values)
    else:
        response = client.post("/widget_session", json=values)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize("secret", ["\u2028", "\u00e9"])
def test_basic_credentials_outside_printable_ascii_are_invalid_client(client, user, secret):
    header = "Basic " + base64.b64encode(f"{CLIENT[0]}:{secret}".encode()).decode()
    response = client.post("/widget_session", data={"access_token": user["access_token"]},
                           headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize("path", ["/widget_session", "/widget_session/x/events"])
def test_json_nested_too_deeply_is_a_bad_request(client, path):
    send = client.post if path == "/widget_session" else client.get
    response = send(path, data="[" * 50_000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


@pytest.mark.parametrize("credentials", [
    "demo-client:\u00e9".encode("latin-1"), b"demo-client:\xff\xfe", b"\xe9:demo-secret",
])
def test_sandbox_token_endpoint_refuses_basic_credentials_that_are_not_utf8(client, credentials):
    header = "Basic " + base64.b64encode(credentials).decode()
    response = client.post("/sandbox/auth/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_sandbox_token_endpoint_still_takes_utf8_basic_credentials(client):
    good = base64.b64encode(b"demo-client:demo-secret").decode()
    response = client.post("/sandbox/auth/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": "Basic " + good})
    assert response.status_code == 200
    wrong = base64.b64encode("demo-client:\u00e9".encode()).decode()
    response = client.post("/sandbox/auth/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": "Basic " + wrong})
    assert response.status_code == 401


@pytest.mark.parametrize("token", ["a\x00b", "a\nb", "a\rb", "a\x01", "a b", "\u00e9", "a\u2028"])
def test_access_token_outside_b64token_is_invalid_token(client, token):
    response = create_session(client, {"access_token": token})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"


def test_access_token_with_b64token_padding_still_reaches_the_api(client):
    response = create_session(client, {"access_token": "abc-._~+/=="})
    assert response.status_code == 401  # the sandbox refuses it: it was asked
    assert response.get_json()["error_description"] == "the access token was refused"


@pytest.mark.parametrize("field", ["redirect_uri", "response_type"])
@pytest.mark.parametrize("bad", ['"', "\\", "\x00", "\u00e9", "a b\n"])
def test_sandbox_authorize_refuses_characters_its_fields_cannot_hold(client, field, bad):
    query = {"client_id": "demo-client", "response_type": "code",
             "redirect_uri": RETURN}
    query[field] = query[field] + bad
    response = client.get("/sandbox/auth/authorize", query_string=query)
    assert response.status_code == 400
    assert "<h1" in response.get_data(as_text=True)


def test_terms_that_cannot_be_fetched_show_the_error_screen_with_a_way_back(app, client, new_user):
    created = create_session(client, new_user, redirect_url=RETURN)
    w = Widget(client, created.get_json()["session_id"])
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/terms": "500"}
    page = w.get("/widget/add_connection")
    assert page.status_code == 502 and screen(page) == "upstream_error"
    back = re.search(r'href="([^"]*widget/resume\?session_id=[^"]*)"', page_text(page)).group(1)
    app.config["SANDBOX_FAULTS"] = {}
    assert screen(client.get(back)) == "terms"


@pytest.mark.parametrize("option, value", [
    ("font", "Arial\n"), ("font_color", "#123\n"), ("elements_color", "#1f5fbf\n"),
    ("theme", "dark\n"),
])
def test_theme_values_ending_in_a_newline_are_refused(client, user, option, value):
    # Without the newline, each is accepted (the colours keep their contrast on `light`).
    options = {"theme": "light", option: value}
    assert create_session(client, user, **{**options, option: value[:-1]}).status_code == 201
    response = create_session(client, user, **options)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"
    assert response.get_json()["error_description"].startswith(option + " must be")


def test_a_connection_id_ending_in_a_newline_is_refused(client, user):
    created = create_session(client, user, redirect_url=RETURN)
    w = Widget(client, created.get_json()["session_id"])
    page = w.get("/widget/edit_credentials", connection_id="abc\n")
    assert page.status_code == 303
    assert "error=invalid_connection" in page.headers["Location"]


def test_a_session_id_ending_in_a_newline_names_no_session(client, user):
    session_id = create_session(client, user).get_json()["session_id"]
    theme = client.get("/widget/theme.css", query_string={"session_id": session_id})
    assert theme.status_code == 200
    assert client.get("/widget/theme.css",
                      query_string={"session_id": session_id + "\n"}).status_code == 404


@pytest.mark.parametrize("method, path, allowed", [
    ("TRACE", "/widget_session", {"POST", "OPTIONS"}),
    ("PUT", "/widget_session/some-id", {"DELETE", "OPTIONS"}),
    ("POST", "/widget_session/some-id/events", {"GET", "HEAD", "OPTIONS"}),
    ("POST", "/healthz", {"GET", "HEAD", "OPTIONS"}),
])
def test_a_method_a_url_does_not_take_is_405_naming_those_it_does(client, method, path, allowed):
    """RFC 9110 15.5.6: a 405 carries Allow (schemathesis's unsupported_method check found it
    missing: the error handlers built a new response without werkzeug's headers)."""
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == allowed
