"""Fixtures of the sandbox tests: an app on a fake clock, and a client that speaks its API."""
import pytest

from tests.sandbox.sandbox_client import SandboxClient
from widget import create_app


@pytest.fixture
def app(tmp_path, clock):
    """The whole app, its sandbox on the tests' clock (the root conftest's `clock` fixture)."""
    config = {
        "TESTING": True,
        "SANDBOX": True,
        "SECRET_KEY": "test",
        "INSTANCE_PATH": str(tmp_path),
        "SANDBOX_CLOCK": clock,
        # A cheap hash keeps the suite fast; production keeps werkzeug's scrypt.
        "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SANDBOX_FAULT_INJECTION": True,
    }
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sandbox_client(client, clock):
    return SandboxClient(client, clock)


@pytest.fixture
def user(sandbox_client):
    """A signed-in user who accepted the terms."""
    sandbox_client.sign_in()
    return sandbox_client
