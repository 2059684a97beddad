"""The provider list is the same for every user of a Client: each process keeps a page of it
(or of a search) PROVIDER_CACHE_SECONDS, and never keeps a failure."""
import pytest

from tests.client_backend import sandbox_user
from tests.fakes import FakeClock
from tests.live_server import build_app
from tests.widget_driver import open_widget, screen
from widget.upstream.answer_cache import AnswerCache

PROVIDERS = "/sandbox/api/v2.1/providers"


def test_an_answer_is_kept_its_time_then_asked_again():
    clock = FakeClock()
    cache, asked = AnswerCache(60, clock=clock), []

    def fetch():
        asked.append(1)
        return len(asked)

    assert cache.get_or_fetch("list", fetch) == 1
    clock.advance(59)
    assert cache.get_or_fetch("list", fetch) == 1
    assert cache.get_or_fetch("search", fetch) == 2  # another key, another answer
    clock.advance(2)
    assert cache.get_or_fetch("list", fetch) == 3


def test_a_failure_is_not_kept():
    cache = AnswerCache(60)

    def failing():
        raise RuntimeError("upstream down")

    with pytest.raises(RuntimeError):
        cache.get_or_fetch("list", failing)
    assert cache.get_or_fetch("list", lambda: "back") == "back"


def test_the_least_recently_used_answers_go_first():
    cache = AnswerCache(60, max_entries=2)
    cache.get_or_fetch("a", lambda: "a")
    cache.get_or_fetch("b", lambda: "b")
    cache.get_or_fetch("a", lambda: "not asked")
    cache.get_or_fetch("c", lambda: "c")  # "b" goes: "a" was used after it
    assert cache.get_or_fetch("a", lambda: "asked again") == "a"
    assert cache.get_or_fetch("b", lambda: "asked again") == "asked again"


def test_off_asks_every_time():
    cache, asked = AnswerCache(0), []
    for _ in range(3):
        cache.get_or_fetch("list", lambda: asked.append(1))
    assert len(asked) == 3


@pytest.mark.parametrize("seconds, second_screen", [(60, "providers"), (0, "upstream_error")])
def test_the_widget_s_list_while_the_upstream_fails(tmp_path, seconds, second_screen):
    """The second user's list comes from the process's copy, or from the upstream, failing."""
    app, server = build_app(tmp_path, PROVIDER_CACHE_SECONDS=seconds)
    server.start()
    app.live_url = server.url
    try:
        client = app.test_client()
        _, page = open_widget(client, sandbox_user(app, accept_terms=True))
        assert screen(page) == "providers"
        app.config["SANDBOX_FAULTS"] = {PROVIDERS: "500"}
        w, page = open_widget(client, sandbox_user(app, accept_terms=True))
        assert screen(page) == second_screen
        # A search no one made yet asks the upstream, whatever the setting.
        assert screen(w.get("/widget/add_connection/providers", q="caisse")) == "upstream_error"
    finally:
        server.stop()
