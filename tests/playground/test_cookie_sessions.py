"""Only the playground's pages open a cookie session: the widget, its API and the in-process
upstream calls pay nothing for one, and never set a cookie."""
import pytest

from tests.widget_driver import open_widget


@pytest.mark.parametrize("path, opened", [
    ("/", True), ("/playground/return", True), ("/playground", True),
    ("/widget/add_connection", False), ("/widget_session", False), ("/healthz", False),
    ("/sandbox/api/v2.1/providers", False), ("/playgrounds", False), ("/static/style.css", False),
])
def test_which_paths_open_a_cookie_session(app, path, opened):
    with app.test_request_context(path) as context:
        session = app.session_interface.open_session(app, context.request)
        assert app.session_interface.is_null_session(session) is not opened


def test_a_widget_run_sets_no_cookie(client, user):
    w, page = open_widget(client, user)
    search = w.get("/widget/add_connection/providers", q="caisse")
    assert "Set-Cookie" not in page.headers and "Set-Cookie" not in search.headers


def test_the_playground_still_keeps_its_session(client):
    page = client.get("/")
    assert page.status_code == 200 and "Set-Cookie" in page.headers
