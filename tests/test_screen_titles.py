"""Every screen has its own translated <title> (WCAG 2.4.2), on a whole page and in the fragment
htmx swaps in (htmx makes a fragment's <title> the document's).

The screens are those of tests/screen_templates.py: a new screen template is checked without
touching this test."""
import re
from types import SimpleNamespace

import pytest

from tests.screen_templates import SCREENS
from widget.htmx import render_screen
from widget.views.registry import CONNECTING_STEPS

SUFFIX = " · Passerelle"

ACCOUNT = {"id": "a1", "name": "Compte courant", "type": "CHECKINGS", "iban": None,
           "status": "ACTIVE"}
DEFINITIONS = [{"id": "d1", "mode": "REDIRECT", "credential_fields": []},
               {"id": "d2", "mode": "EMBEDDED", "credential_fields": []}]


def sample_context(**changes):
    """Enough for any screen to render: a run in progress at Banque Démo."""
    run = SimpleNamespace(widget="add_connection", step="accounts", in_progress=True,
                          options={})
    ctx = SimpleNamespace(session_id="s" * 43, run=run,
                          data={"csrf_token": "t", "options": {}})
    return {"ctx": ctx, "endpoints": CONNECTING_STEPS, "session_id": ctx.session_id,
            "provider_name": "Banque Démo", "provider_id": "demo", "can_go_back": True,
            "accounts": [ACCOUNT], "chosen": [], "select": True, "error": None, "errors": {},
            "definitions": DEFINITIONS, "definition": DEFINITIONS[1],
            "choices": [{"definition": d, "channel": None} for d in DEFINITIONS],
            "challenge": {"type": "SMS_CODE"}, "values": {}, "field_errors": {},
            "terms": {"title": "Conditions", "version": "1"}, "paragraphs": ["…"],
            "params": {"result": "success"}, "progress": {}, "code": 500, "back_url": None,
            "providers": [], "total": 0, "page": 0, "page_size": 20, "search": "",
            "granted": [ACCOUNT], "withdrawn": [], "kept": [], **changes}


def title_of(app, name, lang, htmx=False, **changes):
    """The <title> of the screen `name` in `lang`, as a page or as an htmx fragment."""
    headers = {"HX-Request": "true"} if htmx else {}
    with app.test_request_context("/?lng=" + lang, headers=headers):
        body = render_screen("widget/screens/%s.html" % name,
                             **sample_context(**changes)).get_data(as_text=True)
    titles = re.findall(r"<title>(.*?)</title>", body, re.S)
    assert len(titles) == 1, (name, lang, htmx, titles)
    return titles[0]


def test_the_screens_are_found():
    assert {"providers", "credentials", "result", "http_error", "terms"} <= set(SCREENS)
    assert "provider_results" not in SCREENS and "syncing_detail" not in SCREENS


@pytest.mark.parametrize("name", SCREENS)
def test_each_screen_has_a_translated_title_on_a_page_and_in_a_fragment(app, name):
    french, english = title_of(app, name, "fr"), title_of(app, name, "en")
    for title in (french, english):
        assert title.endswith(SUFFIX) and title[:-len(SUFFIX)].strip(), (name, title)
    assert french != english, (name, french)
    assert title_of(app, name, "fr", htmx=True) == french
    assert title_of(app, name, "en", htmx=True) == english


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_two_screens_share_a_title(app, lang):
    titles = {}
    for name in SCREENS:
        titles.setdefault(title_of(app, name, lang), []).append(name)
    assert not {title: names for title, names in titles.items() if len(names) > 1}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name, variants", [
    ("result", [{"params": {"result": result}}
                for result in ("success", "cancelled", "expired", "error")]),
    ("http_error", [{"code": code} for code in (404, 405, 413, 400, 500)]),
])
def test_each_ending_and_error_has_its_own_title(app, lang, name, variants):
    titles = [title_of(app, name, lang, **variant) for variant in variants]
    assert len(set(titles)) == len(variants), titles


def test_titles_in_french_and_english(app):
    assert title_of(app, "providers", "fr") == "Choisissez votre banque" + SUFFIX
    assert title_of(app, "providers", "en") == "Choose your bank" + SUFFIX
    assert title_of(app, "credentials", "en") == "Sign in to Banque Démo" + SUFFIX
    assert title_of(app, "result", "en", params={"result": "success"}) == "All done" + SUFFIX
