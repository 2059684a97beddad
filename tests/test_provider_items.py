"""The bank list's items are rendered once per page of the catalogue that the process keeps, with
the results that hold them (upstream/answer_cache.py, widget/provider_results.py), then reused
by every session it serves: the same markup as rendering them afresh, never anything of one
session in another's page."""
import re

from tests.test_provider_list import PROVIDERS, listed
from tests.widget_driver import open_widget, text
from widget import create_app
from widget.upstream.answer_cache import SharedList

ITEMS = re.compile(r'<ul class="providers">(.*?)</ul>', re.S)
HTMX_SEARCH = {"HX-Request": "true", "HX-Target": "provider-results"}


def count_logo_checks(app, monkeypatch):
    """Calls of bank_logo, which the items' template makes once per bank it renders."""
    calls = []
    check = app.jinja_env.globals["bank_logo"]

    def counted(provider):
        calls.append(provider["id"])
        return check(provider)

    monkeypatch.setitem(app.jinja_env.globals, "bank_logo", counted)
    return calls


def test_a_kept_page_is_rendered_once_for_every_session_it_serves(app, client, user,
                                                                  monkeypatch):
    rendered = count_logo_checks(app, monkeypatch)
    first, first_page = open_widget(client, user)
    assert len(rendered) == 30
    # Another session: its first list is asked of the upstream, which answers the same page.
    second, second_page = open_widget(client, user)
    assert second.get(PROVIDERS).status_code == 200
    assert len(rendered) == 30
    assert ITEMS.search(text(first_page)).group(1) == ITEMS.search(text(second_page)).group(1)
    for w, page in ((first, first_page), (second, second_page)):
        items = ITEMS.search(text(page)).group(1)
        assert w.session_id not in items and w.csrf not in items
        assert w.session_id in text(page)  # the page's own forms carry it
    found = second.get(PROVIDERS, q="banque", headers=HTMX_SEARCH)
    assert len(rendered) == 60  # another page of the catalogue: rendered once too
    assert first.get(PROVIDERS, q="banque", headers=HTMX_SEARCH).data == found.data.replace(
        second.csrf.encode(), first.csrf.encode()).replace(
        second.session_id.encode(), first.session_id.encode())
    assert len(rendered) == 60 and listed(found)


def test_a_kept_page_shows_each_host_the_logos_it_may_show(tmp_path):
    """Which logos show depends on the page's host (bank_logo): one rendering per host."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "INSTANCE_PATH": str(tmp_path),
                      "SANDBOX": False, "PUBLIC_BASE_URL": "https://widget.example.com",
                      "API_BASE_URL": "https://api.bank.example/v2.1",
                      "AUTH_BASE_URL": "https://auth.bank.example",
                      "SESSION_ENCRYPTION_KEYS": "Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w="})
    page = SharedList([{"id": "own", "name": "Banque Locale", "city": "Lyon",
                        "logo_url": "https://widget.example.com/own.svg"}])
    provider_items = app.jinja_env.globals["provider_items"]
    for _ in range(2):  # rendered, then kept: the same answer for each host
        with app.test_request_context("https://widget.example.com/widget/add_connection"):
            assert 'src="https://widget.example.com/own.svg"' in provider_items(page)
        with app.test_request_context("https://other.example.com/widget/add_connection"):
            shown = provider_items(page)
            assert "<img" not in shown and '>B</span>' in shown and "Banque Locale" in shown
