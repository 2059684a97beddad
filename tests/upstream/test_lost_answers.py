"""AccountsApi when an answer is lost: a call is sent again only under its idempotency key, and
a refresh whose answer was lost is asked again (the Auth server's reuse interval answers it)."""
import json
import time

import pytest

from tests.upstream.failing_servers import RawServer
from widget.upstream.accounts_api import AccountsApi
from widget.upstream.errors import NetworkError

NEW_PAIR = {"access_token": "access-2", "refresh_token": "refresh-2", "token_type": "Bearer",
            "expires_in": 3600}
CONNECTION = {"id": "7", "provider_id": "web", "channels": []}


class ScriptedServer(RawServer):
    """Reads each request, then plays the next move: `lost` (hang up), `hang` (never answer),
    or a JSON body to answer with. Records each request's line and headers."""

    def __init__(self, *moves):
        super().__init__()
        self.moves = list(moves)
        self.requests = []

    def handle(self, conn):
        conn.settimeout(2)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(65536)
            if not chunk:
                break
            head += chunk
        lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        self.requests.append((lines[0], dict(line.split(": ", 1) for line in lines[1:])))
        move = self.moves.pop(0) if self.moves else "lost"
        if move == "hang":
            self.held.append(conn)
            return
        if move != "lost":
            body = json.dumps(move).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Connection: close\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
        conn.close()

    def lines(self):
        return [line for line, _ in self.requests]


def api_on(server, stale=False, timeout=(1, 2)):
    token = {"access_token": "access-1", "refresh_token": "refresh-1", "token_type": "Bearer",
             "expires_at": int(time.time()) + (-60 if stale else 3600)}
    refreshed = []
    api = AccountsApi(server.url + "/api", server.url + "/auth/token", token,
                      client_id="demo-client", client_secret="replay-client-secret",
                      on_token_refreshed=refreshed.append, timeout=timeout)
    return api, refreshed


def test_a_keyed_call_whose_answer_was_lost_is_sent_once_more_under_the_same_key():
    with ScriptedServer("lost", CONNECTION) as server:
        api, _ = api_on(server)
        connection = api.create_connection("web", "web-embedded", idempotency_key="key-1",
                                           credentials={"login": "demo", "password": "pw"})
    assert connection == CONNECTION
    assert server.lines() == ["POST /api/connections HTTP/1.1"] * 2
    assert [headers["Idempotency-Key"] for _, headers in server.requests] == ["key-1"] * 2


def test_a_keyed_call_that_timed_out_is_sent_once_more():
    with ScriptedServer("hang", CONNECTION) as server:
        api, _ = api_on(server, timeout=(1, 0.3))
        assert api.synchronize("7", idempotency_key="key-2") == CONNECTION
    assert len(server.requests) == 2


def test_a_keyed_call_lost_twice_is_a_network_error_after_two_tries():
    with ScriptedServer("lost", "lost", CONNECTION) as server:
        api, _ = api_on(server)
        with pytest.raises(NetworkError) as failed:
            api.add_channel("7", "demo-embedded", idempotency_key="key-3",
                            credentials={"login": "demo", "password": "pw"})
    assert failed.value.code == "network_error"
    assert len(server.requests) == 2


def test_a_call_without_a_key_is_never_sent_twice():
    with ScriptedServer("lost", CONNECTION) as server:
        api, _ = api_on(server)
        with pytest.raises(NetworkError):
            api.create_connection("web", "web-embedded",
                                  credentials={"login": "demo", "password": "pw"})
    assert len(server.requests) == 1
    assert "Idempotency-Key" not in server.requests[0][1]


def test_a_refresh_whose_answer_was_lost_is_asked_again():
    with ScriptedServer("lost", NEW_PAIR, {"id": "1"}) as server:
        api, refreshed = api_on(server, stale=True)
        assert api.me() == {"id": "1"}
    assert server.lines() == ["POST /auth/token HTTP/1.1"] * 2 + ["GET /api/users/me HTTP/1.1"]
    assert [token["refresh_token"] for token in refreshed] == ["refresh-2"]
    assert server.requests[2][1]["Authorization"] == "Bearer access-2"


def test_a_refresh_lost_twice_is_a_network_error_not_an_expiry():
    with ScriptedServer("lost", "lost", NEW_PAIR) as server:
        api, refreshed = api_on(server, stale=True)
        with pytest.raises(NetworkError) as failed:
            api.me()
    assert type(failed.value) is NetworkError and refreshed == []
    assert server.lines() == ["POST /auth/token HTTP/1.1"] * 2
