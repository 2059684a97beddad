"""The provider list is the same for every user of a Client: each process keeps a page of it
(or of a search) PROVIDER_CACHE_SECONDS, and never keeps a failure."""
import pytest

from tests.client_backend import sandbox_user
from tests.fakes import FakeClock
from tests.live_server import build_app
from tests.widget_driver import open_widget, screen
from widget.upstream.answer_cache import MAX_DERIVED, AnswerCache, SharedList

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


@pytest.mark.parametrize("seconds, after, kept", [
    (60, 0, "page"), (60, 59, "page"), (60, 60, None), (60, 61, None), (0, 0, None),
])
def test_what_is_kept_is_read_without_asking(seconds, after, kept):
    """`kept`: the answer if it is still kept, else None (a request read without its
    session's lock asks nothing: it goes again with the lock)."""
    clock = FakeClock()
    cache = AnswerCache(seconds, clock=clock)
    assert cache.kept("list") is None
    cache.put("list", "page")
    clock.advance(after)
    assert cache.kept("list") == kept
    assert cache.kept("search") is None


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


@pytest.mark.parametrize("seconds, again", [(60, "providers"), (0, "upstream_error")])
def test_the_widget_s_list_while_the_upstream_fails(tmp_path, seconds, again):
    """A session's list again comes from the process's copy, or from the upstream, failing."""
    app, server = build_app(tmp_path, PROVIDER_CACHE_SECONDS=seconds)
    server.start()
    app.live_url = server.url
    try:
        client = app.test_client()
        w, page = open_widget(client, sandbox_user(app, accept_terms=True))
        assert screen(page) == "providers"
        app.config["SANDBOX_FAULTS"] = {PROVIDERS: "500"}
        assert screen(w.get("/widget/add_connection/providers")) == again
        # A search no one made yet asks the upstream, whatever the setting.
        assert screen(w.get("/widget/add_connection/providers", q="caisse")) == "upstream_error"
        # Another user's first list is asked of the upstream too (test below).
        _, page = open_widget(client, sandbox_user(app, accept_terms=True))
        assert screen(page) == "upstream_error"
    finally:
        server.stop()


def test_a_user_s_first_list_is_asked_of_the_upstream_which_may_want_new_terms(app, client):
    """The list is cached, but a user who has not accepted the terms is still sent to them:
    the upstream says so on the session's first list, which never comes from the cache."""
    _, page = open_widget(client, sandbox_user(app, accept_terms=True))
    assert screen(page) == "providers"  # cached now
    w, page = open_widget(client, sandbox_user(app))  # a new user, terms not accepted
    assert screen(page) == "terms"
    assert screen(w.post("/widget/terms/accept")) == "providers"  # asked of the upstream
    app.config["SANDBOX_FAULTS"] = {PROVIDERS: "500"}  # from here the upstream's list fails
    assert screen(w.get("/widget/add_connection/providers")) == "providers"  # the copy


def test_an_answer_equal_to_the_kept_one_keeps_the_kept_one_and_its_derived_values():
    cache = AnswerCache(60)
    kept = cache.put("list", SharedList(["demo", "web"]))
    assert kept.derived("html", lambda: "rendered") == "rendered"
    again = cache.put("list", SharedList(["demo", "web"]))  # a session's first list, asked anew
    assert again is kept and again.derived("html", lambda: "rendered again") == "rendered"
    changed = cache.put("list", SharedList(["demo"]))
    assert changed is not kept and changed.derived("html", lambda: "new") == "new"
    assert cache.get_or_fetch("list", lambda: "not asked") is changed


def test_a_shared_list_keeps_a_bounded_number_of_derived_values():
    shared, derived = SharedList([1]), []

    def derive():
        derived.append(1)
        return len(derived)

    for key in range(MAX_DERIVED + 4):  # e.g. as many forged Host headers
        shared.derived(key, derive)
    assert len(derived) == MAX_DERIVED + 4
    assert shared.derived(0, derive) == 1  # kept
    assert shared.derived(MAX_DERIVED + 1, derive) == MAX_DERIVED + 5  # no room: derived again
