"""client_is_valid against the sandbox's Auth server, replayed from recorded cassettes."""
import pytest

from widget.upstream import auth_server
from widget.upstream.auth_server import client_is_valid
from widget.upstream.errors import NetworkError


@pytest.fixture(autouse=True)
def no_cached_answers(monkeypatch):
    monkeypatch.setattr(auth_server, "_verified", {})


def test_good_secret_is_valid(upstream):
    with upstream.tape(auth_server._http) as cassette:
        assert client_is_valid(upstream.token_endpoint, upstream.client_id, upstream.client_secret,
                               cache_seconds=0) is True
    assert len(cassette.interactions) == 1


def test_bad_secret_is_not_valid(upstream):
    with upstream.tape(auth_server._http) as cassette:
        assert client_is_valid(upstream.token_endpoint, upstream.client_id, "not-the-secret",
                               cache_seconds=0) is False
        assert client_is_valid(upstream.token_endpoint, "no-such-client", upstream.client_secret,
                               cache_seconds=0) is False
    assert [i.data["response"]["status"]["code"] for i in cassette.interactions] == [401, 401]


def test_good_answer_is_kept_a_while_and_bad_one_never(upstream):
    with upstream.tape(auth_server._http) as cassette:
        for _ in range(3):
            assert client_is_valid(upstream.token_endpoint, upstream.client_id,
                                   upstream.client_secret, cache_seconds=60) is True
        for _ in range(2):
            assert client_is_valid(upstream.token_endpoint, upstream.client_id, "not-the-secret",
                                   cache_seconds=60) is False
    # One check for the good secret, then each bad one is asked again.
    assert [i.data["response"]["status"]["code"] for i in cassette.interactions] == [200, 401, 401]


def test_auth_server_error_is_a_network_error(upstream, monkeypatch):
    monkeypatch.setitem(auth_server._http.headers, "X-Sandbox-Fault", "500")
    with upstream.tape(auth_server._http):
        with pytest.raises(NetworkError) as failed:
            client_is_valid(upstream.token_endpoint, upstream.client_id, upstream.client_secret,
                            cache_seconds=0)
    assert failed.value.code == "auth_server_error" and failed.value.description == "500"


def test_closed_port_is_a_network_error(closed_port_url):
    with pytest.raises(NetworkError) as failed:
        client_is_valid(closed_port_url + "/sandbox/auth/token", "demo-client", "x",
                        cache_seconds=0)
    assert failed.value.code == "network_error"


def test_missing_credentials_are_not_valid_without_asking(closed_port_url):
    unreachable = closed_port_url + "/sandbox/auth/token"
    assert client_is_valid(unreachable, "", "secret") is False
    assert client_is_valid(unreachable, "demo-client", "") is False
    assert client_is_valid(unreachable, None, None) is False
