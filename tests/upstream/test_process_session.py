"""One upstream session per process: no cookie crosses from one user's call to another's, and
the environment's proxy settings are read once per origin, not on every call."""
import contextlib
import json
import threading

import requests

from tests.live_server import LiveServer
from widget.upstream.accounts_api import AccountsApi
from widget.upstream.http_session import ProcessSession, pooled, process_session


def cookie_setter(environ, start_response):
    """Answers every call with a cookie for its caller, and says which cookie the call carried."""
    body = json.dumps({"cookie": environ.get("HTTP_COOKIE", "")}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Set-Cookie", "upstream=%s; Path=/" % environ["HTTP_AUTHORIZATION"][-1])])
    return [body]


@contextlib.contextmanager
def upstream():
    server = LiveServer(cookie_setter).start()
    try:
        yield server
    finally:
        server.stop()


def test_one_session_per_process():
    assert process_session() is process_session()
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(process_session())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(session is process_session() for session in seen)


def test_no_cookie_goes_from_one_user_s_call_to_another_s():
    with upstream() as server:
        http = pooled(ProcessSession())
        first = AccountsApi(server.url, server.url + "/token", {"access_token": "a"}, http=http)
        second = AccountsApi(server.url, server.url + "/token", {"access_token": "b"}, http=http)
        assert first.me() == {"cookie": ""}
        assert second.me() == {"cookie": ""}  # the cookie set for the first user stayed out
        assert not http.cookies


def test_the_environment_is_read_once_per_origin(monkeypatch):
    reads = []
    original = requests.Session.merge_environment_settings

    def counting(self, url, *args):
        reads.append(url)
        return original(self, url, *args)

    monkeypatch.setattr(requests.Session, "merge_environment_settings", counting)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with upstream() as server:
        http = pooled(ProcessSession())
        for user in "abc":
            AccountsApi(server.url, server.url + "/token", {"access_token": user}, http=http).me()
        assert len(reads) == 1
