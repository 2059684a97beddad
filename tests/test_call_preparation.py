"""The process session's calls are prepared as requests prepares them (widget/upstream/
call_preparation.py), and what it does not prepare itself is left to requests."""
import io

import pytest
import requests
from authlib.integrations.requests_client.oauth2_session import OAuth2Auth, OAuth2ClientAuth

from widget.upstream.call_preparation import QuickPreparedRequest, prepare_quickly
from widget.upstream.http_session import ProcessSession

URL = "https://upstream.passerelle.internal/sandbox/api/v2.1/users/me/events"
TOKEN = OAuth2Auth({"access_token": "a" * 40, "token_type": "bearer"})
CLIENT = OAuth2ClientAuth("demo-client", "demo-secret", "client_secret_basic")


def shape(prepared):
    return (prepared.method, prepared.url, dict(prepared.headers), prepared.body,
            len(prepared._cookies), prepared.hooks)


CALLS = [
    ("GET", {"params": {"after": "ev_12", "limit": 50}, "auth": TOKEN}),
    ("get", {"params": {"q": "société générale", "offset": 0, "country": None}, "auth": TOKEN}),
    ("GET", {"params": {"ids": ["1", "2"], "flag": True, b"raw": b"b"}, "auth": TOKEN}),
    ("GET", {"params": [("a", "1"), ("a", "2")], "auth": TOKEN}),
    ("GET", {"params": {}, "auth": TOKEN, "headers": {"Accept": None, "X-Id": "é".encode()}}),
    ("GET", {"url": URL + "?after=3", "params": {"limit": 5}, "auth": TOKEN}),
    ("POST", {"json": {"version": "2024-01", "n": [1, None]}, "auth": TOKEN,
              "headers": {"Idempotency-Key": "k-1"}}),
    ("POST", {"data": {"grant_type": "refresh_token", "refresh_token": "r"}, "auth": CLIENT}),
    ("DELETE", {"auth": TOKEN}),
]


@pytest.mark.parametrize("method,arguments", CALLS, ids=[str(n) for n in range(len(CALLS))])
def test_a_call_is_prepared_as_requests_prepares_it(method, arguments):
    arguments = {"url": URL, **arguments}
    ours = ProcessSession().prepare_request(requests.Request(method, **arguments))
    theirs = requests.Session().prepare_request(requests.Request(method, **arguments))
    assert isinstance(ours, QuickPreparedRequest)
    assert shape(ours) == shape(theirs)


@pytest.mark.parametrize("leave", [
    {"cookies": {"a": "b"}},
    {"files": {"f": io.BytesIO(b"x")}},
    {"auth": None},  # requests looks for the user's .netrc then
], ids=["cookies", "files", "no auth"])
def test_what_it_does_not_prepare_itself_is_left_to_requests(leave):
    session = ProcessSession()
    request = requests.Request("POST", URL, **{"auth": TOKEN, **leave})
    assert prepare_quickly(session, request) is None
    prepared = session.prepare_request(request)
    assert type(prepared) is requests.PreparedRequest
    assert prepared.headers.get("Cookie") == ("a=b" if "cookies" in leave else None)


def test_session_settings_are_left_to_requests():
    session = ProcessSession()
    session.params = {"x": "1"}
    assert prepare_quickly(session, requests.Request("GET", URL, auth=TOKEN)) is None
    assert "x=1" in session.prepare_request(requests.Request("GET", URL, auth=TOKEN)).url


def test_a_stream_body_is_left_to_requests():
    body = io.BytesIO(b"payload")
    prepared = QuickPreparedRequest()
    prepared.prepare(method="PUT", url=URL, data=body, cookies=requests.cookies.RequestsCookieJar())
    assert prepared.body is body
