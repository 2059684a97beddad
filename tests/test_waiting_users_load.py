"""The waiting users' load (benchmarks/waiting_users.py, `make bench`'s users step): which polls
it counts, and when it calls its CPU readings."""
import asyncio
import threading

import pytest
from werkzeug.serving import make_server

from benchmarks.waiting_users import load

USERS = 4


@pytest.fixture()
def port():
    """A server on loopback that answers every poll 204, and `/` 200 (the load's last check)."""
    def app(environ, start_response):
        status = "200 OK" if environ["PATH_INFO"] == "/" else "204 No Content"
        start_response(status, [("Content-Length", "0")])
        return [b""]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()


def targets():
    return [("/wait?user=%d" % number, {}) for number in range(USERS)]


def test_polls_sent_while_users_arrive_are_tallied_apart(port):
    calls = []
    tally = asyncio.run(load(port, targets(), seconds=1.2, timeout=5, arrivals=1.2,
                             at_count=lambda: calls.append("count"),
                             at_end=lambda: calls.append("end")))
    # Every user's first poll falls while they arrive; each polls again 1.2 s later, counted.
    assert len(tally.arriving) >= USERS
    assert len(tally.latencies) >= USERS
    assert tally.errors == tally.timeouts == 0
    assert calls == ["count", "end"]
    assert tally.recovery is not None


def test_without_arrivals_every_poll_counts_from_the_first(port):
    calls = []
    tally = asyncio.run(load(port, targets(), seconds=1.2, timeout=5,
                             at_count=lambda: calls.append("count"),
                             at_end=lambda: calls.append("end")))
    assert tally.arriving == []
    assert len(tally.latencies) >= USERS  # each user's first poll at least
    assert calls == ["count", "end"]
