"""The provider list's results are rendered once per page of the catalogue the process keeps,
with marks in place of the session's id and CSRF token, and each request puts its own in: what
rendering them afresh gives, byte for byte, and nothing of one session in another's answer
(widget/provider_results.py)."""
from types import SimpleNamespace

import jinja2.meta
import pytest
from flask import render_template

import widget.provider_results as provider_results
from widget import create_app
from widget.provider_results import (CSRF_MARK, GLOBALS, INPUTS, MARKED, SESSION_MARK, TEMPLATE,
                                     SessionDependent, results)
from widget.upstream.answer_cache import SharedList

BANKS = [{"id": "bank-%d" % n, "name": "Caisse d'Épargne <%d> & Cie" % n, "city": "Lyon",
          "logo_url": "https://widget.example.com/logo-%d.svg" % n} for n in range(3)]
SESSION_ID, CSRF_TOKEN = "u-UD8DUE2mdKx_LfXMKgBC905alzo9mwfC7mlngfn6c", "PAheDSAkXxNs1B8B-rN1C_t"
OTHER_ID, OTHER_TOKEN = "Zz9-other_session_id_00000000000000000000000", "another-token_0123456789"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({
        "TESTING": True, "SECRET_KEY": "t", "SANDBOX": False,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "PUBLIC_BASE_URL": "https://widget.example.com",
        "API_BASE_URL": "https://api.bank.example/v2.1", "AUTH_BASE_URL": "https://auth.bank.example",
        "SESSION_ENCRYPTION_KEYS": "Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w="})


def session(session_id=SESSION_ID, csrf_token=CSRF_TOKEN):
    """What the template reads of a request's WidgetContext."""
    return SimpleNamespace(session_id=session_id, data={"csrf_token": csrf_token})


def inputs(providers, **values):
    return {"providers": providers, "total": 3, "capped": False, "page": 0, "page_size": 30,
            "search": "caisse", "refreshed_alone": True, **values}


def counted_renderings(monkeypatch):
    calls = []

    def counted(template, **context):
        calls.append(template)
        return render_template(template, **context)

    monkeypatch.setattr(provider_results, "render_template", counted)
    return calls


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("values", [
    {},  # one page, no pager
    {"refreshed_alone": None},  # as the whole page shows them (no out-of-band count)
    {"total": 95, "page": 0},  # the next page's link
    {"total": 95, "page": 1, "search": "l'épargne & <co> ?x=1"},  # both links, a search to quote
    {"total": 1000, "capped": True, "page": 3},
    {"total": 0, "search": "zzz"},  # nothing matches
])
def test_kept_results_are_what_rendering_them_gives(app, monkeypatch, locale, values):
    calls = counted_renderings(monkeypatch)
    page = SharedList(BANKS if values.get("total") != 0 else [])
    with app.test_request_context("https://widget.example.com/?locale=" + locale):
        for ctx in (session(), session(OTHER_ID, OTHER_TOKEN), session()):
            shown = results(ctx, inputs(page, **values))
            assert shown == render_template(TEMPLATE, ctx=ctx, **inputs(page, **values))
            assert SESSION_MARK not in shown and CSRF_MARK not in shown
    assert len(calls) == 1  # once for the three sessions


def test_each_session_gets_its_own_id_and_token_only(app):
    page = SharedList(BANKS)
    with app.test_request_context("https://widget.example.com/"):
        first = results(session(), inputs(page, total=95, page=1))
        second = results(session(OTHER_ID, OTHER_TOKEN), inputs(page, total=95, page=1))
    assert first.count(SESSION_ID) == 3 and first.count(CSRF_TOKEN) == 1  # field and two links
    assert second.count(OTHER_ID) == 3 and second.count(OTHER_TOKEN) == 1
    assert SESSION_ID not in second and CSRF_TOKEN not in second
    assert OTHER_ID not in first and OTHER_TOKEN not in first


@pytest.mark.parametrize("session_id, csrf_token", [
    ('abc"><script>x</script>', CSRF_TOKEN),  # what HTML would escape
    ("abc+def/ghi=", CSRF_TOKEN),  # what a URL's query would quote
    (SESSION_ID, "tok&en"),
    (SESSION_ID, None),  # a record without its token
    (SESSION_ID, ""),
    (SESSION_ID + SESSION_MARK, CSRF_TOKEN),  # a mark in a value (plain): kept, put in as it is
], ids=["html", "query", "token", "no-token", "empty-token", "mark"])
def test_values_of_any_other_form_are_rendered_in_full(app, monkeypatch, session_id, csrf_token):
    calls = counted_renderings(monkeypatch)
    page = SharedList(BANKS)
    with app.test_request_context("https://widget.example.com/"):
        for _ in range(2):
            ctx = session(session_id, csrf_token)
            assert results(ctx, inputs(page, total=95)) == render_template(
                TEMPLATE, ctx=ctx, **inputs(page, total=95))
    if session_id.endswith(SESSION_MARK):
        return  # plain characters: kept, and the mark put back as the value says
    assert len(calls) == 2 and not [key for key in page._derived if key[0] == "results"]


def test_a_list_the_process_does_not_keep_is_rendered_each_time(app, monkeypatch):
    calls = counted_renderings(monkeypatch)
    with app.test_request_context("https://widget.example.com/"):
        for _ in range(2):
            assert results(session(), inputs(list(BANKS))) == render_template(
                TEMPLATE, ctx=session(), **inputs(list(BANKS)))
    assert len(calls) == 2


@pytest.mark.parametrize("request_url", [
    "https://widget.example.com/?locale=en",  # another language
    "https://other.example.com/",  # another host: other logos may show
    "http://widget.example.com/",  # another scheme
])
def test_a_rendering_is_kept_per_language_and_host(app, monkeypatch, request_url):
    calls = counted_renderings(monkeypatch)
    page = SharedList(BANKS)
    with app.test_request_context("https://widget.example.com/?locale=fr"):
        french = results(session(), inputs(page))
    with app.test_request_context(request_url):
        shown = results(session(), inputs(page))
        assert shown == render_template(TEMPLATE, ctx=session(), **inputs(page))
    assert len(calls) == 2 and shown != french


def test_the_template_reads_nothing_but_its_inputs_and_the_named_globals(app):
    """A name the key does not hold would show one session's results to another: each new one
    must be added to INPUTS (or GLOBALS, if it depends only on the language and the host)."""
    env = app.jinja_env
    names, pending, seen = set(), [TEMPLATE], set()
    while pending:
        name = pending.pop()
        seen.add(name)
        tree = env.parse(env.loader.get_source(env, name)[0])
        names |= jinja2.meta.find_undeclared_variables(tree)
        pending += [t for t in jinja2.meta.find_referenced_templates(tree) if t not in seen]
    assert names <= set(INPUTS) | GLOBALS | {"ctx"}, names - set(INPUTS) - GLOBALS
    assert GLOBALS <= set(env.globals)


@pytest.mark.parametrize("read", [
    lambda: MARKED.run, lambda: MARKED.data.options, lambda: MARKED.data["run"],
])
def test_the_marked_session_refuses_anything_but_its_id_and_token(read):
    with pytest.raises(SessionDependent):
        read()
    assert (MARKED.session_id, MARKED.data.csrf_token) == (SESSION_MARK, CSRF_MARK)


def test_every_language_keeps_its_renderings_on_one_page(app, monkeypatch):
    """The results as the page and a search show them (each holding its items, not kept apart),
    for each of the seven languages: all kept with the page (answer_cache.MAX_DERIVED)."""
    calls = counted_renderings(monkeypatch)
    page = SharedList(BANKS)
    for _ in range(2):
        for locale in ("fr", "en", "de", "es", "it", "nl", "pt"):
            with app.test_request_context("https://widget.example.com/?locale=" + locale):
                for refreshed_alone in (True, None):
                    results(session(), inputs(page, refreshed_alone=refreshed_alone))
    assert len(calls) == 14 and len(page._derived) == 14


@pytest.mark.parametrize("changed", [
    lambda mark: mark.upper(), lambda mark: mark[:20] + "...", lambda mark: mark[::-1][::-1] * 2,
], ids=["upper", "truncated", "twice"])
def test_a_template_that_changes_a_mark_is_refused(app, monkeypatch, changed):
    """A filter on the session's id or token in the template would leave a mark no request's
    value replaces: refused loudly (a doubled mark is fine: each copy is replaced)."""
    monkeypatch.setattr(provider_results, "render_template",
                        lambda template, **context: "<p>%s %s</p>" % (
                            changed(SESSION_MARK), CSRF_MARK))
    with app.test_request_context("https://widget.example.com/"):
        if changed(SESSION_MARK) == SESSION_MARK * 2:
            assert results(session(), inputs(SharedList(BANKS))) == "<p>%s %s</p>" % (
                SESSION_ID * 2, CSRF_TOKEN)
        else:
            with pytest.raises(SessionDependent):
                results(session(), inputs(SharedList(BANKS)))
