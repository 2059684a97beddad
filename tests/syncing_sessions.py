"""Widget sessions taken to the syncing screen, on either store, for the poll tests; and the
live app on each store in turn (`app`, `user`, with `api_calls`: a test module that imports them runs on both)."""
import contextlib

import pytest

from tests.client_backend import sandbox_user
from tests.live_server import build_app
from tests.session_stores import REDIS_URL
from tests.widget_driver import open_widget, screen
from widget.store import widget_sessions
from widget.upstream.accounts_api import AccountsApi

STORES = [{}, pytest.param({"REDIS_URL": REDIS_URL}, marks=pytest.mark.redis)]


@contextlib.contextmanager
def live_app_on(tmp_path, clock, **config):
    """The app served on a free port, the widget's and the sandbox's clock `clock`."""
    app, server = build_app(tmp_path, SANDBOX_CLOCK=clock, WIDGET_CLOCK=clock, **config)
    server.start()
    app.live_url = server.url
    try:
        yield app
    finally:
        server.stop()


@pytest.fixture(params=STORES, ids=["files", "redis"])
def app(tmp_path, clock, request):
    with live_app_on(tmp_path, clock, **request.param) as app:
        yield app


@pytest.fixture
def user(app):
    return sandbox_user(app, accept_terms=True)


@pytest.fixture
def api_calls(monkeypatch):
    """The paths the widget asks of the Accounts API, in order."""
    calls, original = [], AccountsApi.request

    def counting(self, method, path, **options):
        calls.append(path)
        return original(self, method, path, **options)

    monkeypatch.setattr(AccountsApi, "request", counting)
    return calls


def syncing(client, user, login="slow"):
    """A widget of `user` on the syncing screen of a sync at Banque en Ligne (`login`'s)."""
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login=login, password="pw")
    assert screen(w.post("/widget/add_connection/consent")) == "syncing"
    return w


def saved_run(app, session_id):
    """The run as the session's record holds it."""
    with app.app_context():
        return widget_sessions().load(session_id)["run"]
