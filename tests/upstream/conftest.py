"""The `upstream` fixture of the upstream client's tests: Betamax cassettes recorded against the
sandbox, replayed by default (tests/upstream/recorded_sandbox.py says how, and how to record)."""
import socket

import pytest

from tests.fakes import FakeClock
from tests.live_server import LiveServer
from tests.upstream.recorded_sandbox import BASE_URL, PORT, RECORD, Upstream
from widget import create_app


def _sandbox_server(tmp_path, clock):
    app = create_app({
        "TESTING": True, "SANDBOX": True, "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"), "PUBLIC_BASE_URL": BASE_URL,
        "SANDBOX_CLOCK": clock,
        # A cheap hash keeps recording fast; production keeps werkzeug's scrypt.
        "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SANDBOX_FAULT_INJECTION": True,
        "SANDBOX_FAULT_TIMEOUT_SECONDS": 2,
    })
    try:
        return LiveServer(app, PORT).start()
    except OSError as exc:
        pytest.fail("Cannot record: port %d is taken (%s)" % (PORT, exc))


@pytest.fixture
def upstream(request, tmp_path):
    """The sandbox for one test: a fresh one on port 5931 while recording, else cassettes."""
    if not RECORD:
        yield Upstream(request.node.name)
        return
    clock = FakeClock()
    server = _sandbox_server(tmp_path, clock)
    try:
        yield Upstream(request.node.name, clock)
    finally:
        server.stop()


@pytest.fixture
def closed_port_url():
    """The address of a loopback port nothing listens on: bound for the test's time, never
    listening, so every connection is refused and no other process can take the port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield "http://127.0.0.1:%d" % sock.getsockname()[1]
