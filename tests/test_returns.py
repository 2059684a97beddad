from urllib.parse import parse_qs, urlsplit

import pytest

from widget.returns import result_params, return_url


@pytest.mark.parametrize("locale, text", [("fr", "Cette banque"), ("en", "This bank")])
def test_error_params_are_translated(app, locale, text):
    with app.test_request_context():
        params = result_params({"state": "abc"}, "add_connection", "error", "invalid_provider",
                               locale=locale)
    assert params["result"] == "error" and params["error"] == "invalid_provider"
    assert params["error_description"].startswith(text)
    assert params["state"] == "abc" and params["widget"] == "add_connection"


def test_return_url_keeps_the_clients_query():
    url = return_url("http://localhost:5000/back?tab=2&result=old#top",
                     {"result": "success", "widget": "add_connection", "connection_id": "c1"})
    parts = urlsplit(url)
    assert parse_qs(parts.query) == {"tab": ["2"], "result": ["success"],
                                     "widget": ["add_connection"], "connection_id": ["c1"]}
    assert parts.fragment == "top"


def test_success_has_no_error_and_no_state_when_none():
    params = result_params({}, "terms", "success")
    assert params == {"result": "success", "widget": "terms"}
