"""The widget's hot pages byte for byte, against snapshots (tests/snapshots/): the provider list
as a page and as htmx's screen, the search's results, a themed page. They are rendered on every
request and cut for speed (inline partials, direct gettext, cached URLs): a cut must not change
what the user gets. Only what differs between runs is masked (ids, tokens, the static files'
hashes, the bank list's items, which test_provider_items.py checks).

After a change meant to be seen, write the snapshots again: UPDATE_SNAPSHOTS=1 pytest this file,
and read the diff.
"""
import os
import re
from pathlib import Path

import pytest

from tests.widget_driver import HTMX, open_widget, text

SNAPSHOTS = Path(__file__).parent / "snapshots"
PROVIDERS = "/widget/add_connection/providers"
MASKS = [
    (re.compile(r'(<ul class="providers">).*?(</ul>)', re.S), r"\1…\2"),
    (re.compile(r"(/static/[\w./-]*?)\.[0-9a-f]{8,}(\.\w+)"), r"\1.HASH\2"),
    (re.compile(r'(<script type="application/json" id="parent-messages">).*?(</script>)', re.S),
     r"\1…\2"),
]


def masked(page, w):
    found = text(page).replace(w.session_id, "SESSION_ID").replace(w.csrf, "CSRF_TOKEN")
    for pattern, replacement in MASKS:
        found = pattern.sub(replacement, found)
    return found


def pages(client, user):
    w, first = open_widget(client, user)
    yield "providers_page", w, w.get(PROVIDERS)
    yield "providers_search_results", w, w.get(PROVIDERS, q="caisse", headers={
        **HTMX, "HX-Target": "provider-results"})
    yield "providers_screen_htmx", w, w.get(PROVIDERS, q="caisse", headers={
        **HTMX, "HX-Target": "screen"})
    themed, _ = open_widget(client, user, theme="dark", font_color="#f0f0f0", locale="en")
    yield "providers_page_themed_en", themed, themed.get(PROVIDERS, page=1)


def test_the_hot_pages_are_what_they_were(client, user):
    for name, w, page in pages(client, user):
        assert page.status_code == 200, name
        found, path = masked(page, w), SNAPSHOTS / (name + ".html")
        if os.environ.get("UPDATE_SNAPSHOTS"):
            path.write_text(found, encoding="utf-8")
        assert found == path.read_text(encoding="utf-8"), name
