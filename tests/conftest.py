"""Fixtures: an app with its embedded sandbox served on a live port, a test client, and sandbox
users made the way a Client makes them (the helpers behind them: tests/live_server.py,
tests/client_backend.py, tests/widget_driver.py, tests/fakes.py)."""
import os

import pytest

from tests.client_backend import sandbox_user
from tests.fakes import FakeClock
from tests.live_server import build_app
from tests.session_stores import REDIS_URL, redis_available


def pytest_xdist_auto_num_workers(config):
    """`make test`'s `-n auto`: two pytest-xdist workers a core. Most of a test's time is spent
    waiting (on a live server, a browser, the sandbox's timers), not computing."""
    return 2 * len(os.sched_getaffinity(0))


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def live_app(tmp_path, clock):
    app, server = build_app(tmp_path, SANDBOX_CLOCK=clock, WIDGET_CLOCK=clock)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


@pytest.fixture
def app(live_app):
    return live_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def user(app):
    return sandbox_user(app, accept_terms=True)


@pytest.fixture
def new_user(app):
    return sandbox_user(app)


@pytest.fixture(params=["files", pytest.param("redis", marks=pytest.mark.redis)])
def store_config(request):
    """The settings of each session store in turn, for a module that tests both."""
    if request.param == "redis":
        if not redis_available():
            pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
        return {"REDIS_URL": REDIS_URL}
    return {}
