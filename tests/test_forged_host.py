"""A forged Host header never chooses where the widget sends tokens and the client secret."""
import re
import socket

import pytest
import requests

from tests.client_backend import CLIENT, sandbox_user
from tests.live_server import build_app


@pytest.fixture
def served(tmp_path):
    """The app with its embedded sandbox, no PUBLIC_BASE_URL, behind a real server."""
    app, server = build_app(tmp_path, PUBLIC_BASE_URL=None)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


@pytest.fixture
def trap():
    """A listening socket on a free loopback port: the host an attacker names."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        yield listener


def nothing_arrived(listener):
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def test_forged_host_on_session_creation_and_widget_link(served, trap):
    forged = "127.0.0.1:%d" % trap.getsockname()[1]
    user = sandbox_user(served, accept_terms=True)
    created = requests.post(served.live_url + "/widget_session", auth=CLIENT, timeout=10,
                            headers={"Host": forged},
                            data={"access_token": user["access_token"],
                                  "refresh_token": user["refresh_token"]})
    assert created.status_code == 201, created.text
    session_id = created.json()["session_id"]
    page = requests.get(served.live_url + "/widget/add_connection", timeout=10,
                        params={"session_id": session_id}, headers={"Host": forged})
    assert page.status_code == 200
    assert re.search(r'data-screen="providers"', page.text)
    search = requests.get(served.live_url + "/widget/add_connection/providers", timeout=10,
                          params={"session_id": session_id, "q": "ligne"},
                          headers={"Host": forged, "HX-Request": "true"})
    assert search.status_code == 200 and "Banque en Ligne" in search.text
    assert nothing_arrived(trap)
