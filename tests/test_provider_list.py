"""The bank list (issue 12 part 7): popular banks first, logos or letters, the country option,
searches blind to case, accents and punctuation, and a count that says when it is capped."""
import html
import os
import re

import pytest

from tests.widget_driver import create_session, open_widget, returned, text
from widget import create_app
from widget.bank_list import AVATAR_COLOURS, bank_logo, origin_of
from widget.config import ROOT
from widget.contrast import contrast
from widget.sandbox import provider_index
from widget.sandbox.db import connect, ensure_database
from widget.sandbox.providers import SEARCH_WINDOW, fold

PROVIDERS = "/widget/add_connection/providers"
BUTTON = re.compile(r'<button type="submit" name="provider_id" value="([^"]+)" class="provider">'
                    r'(.*?)</button>', re.S)
IMAGE = re.compile(r'<img class="logo" src="([^"]+)" alt="" width="32" height="32"')
AVATAR = re.compile(r'<span class="logo avatar avatar-[0-5]" aria-hidden="true">(.)</span>')


def listed(page):
    """(provider id, its logo URL or its avatar's letter) in the order the page lists them."""
    found = []
    for provider_id, inside in BUTTON.findall(text(page)):
        image, avatar = IMAGE.search(inside), AVATAR.search(inside)
        assert bool(image) != bool(avatar), inside  # a logo or a letter, never both
        found.append((provider_id, html.unescape(image.group(1)) if image else avatar.group(1)))
    return found


def image_sources(page):
    """The origins the page's Content-Security-Policy lets images come from."""
    policy = dict(part.strip().split(" ", 1) for part in
                  page.headers["Content-Security-Policy"].split(";"))
    return policy["img-src"].split()


def add_banks(app, *rows):
    """Providers straight into the sandbox's catalogue: (id, name, city, country, rank)."""
    ensure_database(app.config["SANDBOX_DATABASE"])  # made on first use: maybe not yet
    db = connect(app.config["SANDBOX_DATABASE"])
    try:
        db.execute("BEGIN")
        provider_index.add_many(db, [(provider_id, name, city, fold(name), fold(f"{name} {city}"),
                                      1, country, rank, None)
                                     for provider_id, name, city, country, rank in rows])
        db.execute("COMMIT")
    finally:
        db.close()


def test_the_most_popular_banks_come_first_with_their_logo_or_letter(client, user):
    _, page = open_widget(client, user)
    banks = listed(page)
    assert len(banks) == 30
    assert [provider_id for provider_id, _ in banks[:8]] == [
        "demo", "bank-001", "web", "bank-002", "psd2", "bank-003", "bank-004", "down"]
    logos = dict(banks)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/sandbox/static/logos/demo\.\w+\.svg",
                        logos["demo"])
    assert logos["bank-008"] == "B"  # Banque Coopérative de Marseille has no logo
    assert any(len(logo) == 1 for logo in logos.values()) and len(set(logos.values())) > 5


def test_every_avatar_colour_keeps_its_letter_readable():
    with open(os.path.join(ROOT, "static", "style.css"), encoding="utf-8") as fh:
        block = re.search(r"\.providers \{(.*?)\}", fh.read(), re.S).group(1)
    colours = dict(re.findall(r"--(avatar-[a-z0-9]+): (#[0-9a-f]{6});", block))
    backgrounds = [colours[f"avatar-{n}"] for n in range(AVATAR_COLOURS)]
    assert len(set(backgrounds)) == AVATAR_COLOURS
    for background in backgrounds:
        assert contrast(colours["avatar-text"], background) >= 4.5, background


def test_the_csp_allows_every_logo_the_page_shows(client, user):
    _, page = open_widget(client, user)
    allowed = image_sources(page)
    shown = [logo for _, logo in listed(page) if len(logo) > 1]
    assert shown
    for logo in shown:  # served by the sandbox at PUBLIC_BASE_URL, another origin than the page
        assert origin_of(logo) in allowed, (logo, allowed)
    assert "'self'" in allowed and "*" not in allowed


def test_a_real_upstream_s_logo_origin_is_allowed_and_no_other(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "INSTANCE_PATH": str(tmp_path),
                      "SANDBOX": False, "PUBLIC_BASE_URL": "https://widget.example.com",
                      "API_BASE_URL": "https://api.bank.example/v2.1",
                      "AUTH_BASE_URL": "https://auth.bank.example",
                      "SESSION_ENCRYPTION_KEYS": "Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w="})
    assert image_sources(app.test_client().get("/healthz")) == [
        "'self'", "data:", "https://api.bank.example"]
    with app.test_request_context("https://widget.example.com/widget/add_connection"):
        for url, shown in [("https://api.bank.example/logos/1.svg", True),
                           ("https://API.bank.example:443/logos/1.svg", True),
                           ("https://widget.example.com/own.svg", True),
                           ("http://api.bank.example/logos/1.svg", False),  # not https
                           ("https://cdn.elsewhere.example/1.svg", False),
                           ("https://user@api.bank.example/1.svg", False),
                           ("data:image/svg+xml,<svg/>", False), ("/relative.svg", False),
                           ("javascript:alert(1)", False), (None, False), (42, False)]:
            assert (bank_logo({"logo_url": url}) is not None) == shown, url
    app.config["LOGO_ORIGINS"] = ["https://cdn.bank.example"]
    assert "https://cdn.bank.example" in image_sources(app.test_client().get("/healthz"))


def test_a_search_ignores_case_accents_and_punctuation(client, app, user):
    add_banks(app, ("sg", "Société Générale", "Paris", "FR", 40),
              ("ca", "Crédit Agricole", "Lyon", "FR", 41))
    w, _ = open_widget(client, user)
    for query in ("societe generale", "SOCIETE-GENERALE", "Société Générale", "société."):
        assert [bank for bank, _ in listed(w.get(PROVIDERS, q=query))] == ["sg"], query
    for query in ("crédit agricole", "credit agricole", "CREDIT-AGRICOLE"):
        assert [bank for bank, _ in listed(w.get(PROVIDERS, q=query))] == ["ca"], query
    page = w.get(PROVIDERS, q="societe generale", headers={"HX-Request": "true",
                                                           "HX-Target": "provider-results"})
    assert "<html" not in text(page) and "Société Générale" in text(page)
    assert listed(page) == [("sg", "S")]  # no logo: its letter


def test_the_country_option_keeps_that_country_s_banks(client, user):
    w, page = open_widget(client, user, country="de")
    assert {bank for bank, _ in listed(page)} == {f"bank-de-{n}" for n in range(1, 7)}
    assert "Pays : Allemagne" in text(page)
    assert [bank for bank, _ in listed(w.get(PROVIDERS, q="koln"))] == ["bank-de-2", "bank-de-1"]
    assert listed(w.get(PROVIDERS, q="banque démo")) == []
    _, page = open_widget(client, user, country="US", locale="en")
    assert listed(page) == [] and "Country: United States" in text(page)
    assert "No bank matches your search." in text(page)


def test_the_country_defaults_to_the_locale_s(client, user):
    _, page = open_widget(client, user, locale="fr-BE")
    assert {bank[:8] for bank, _ in listed(page)} == {"bank-be-"}
    assert "Pays : Belgique" in text(page) and '<html lang="fr"' in text(page)
    _, page = open_widget(client, user, locale="en_BE", country="FR")  # the option wins
    assert {bank for bank, _ in listed(page)} >= {"demo", "web"} and "Country: France" in text(page)
    _, page = open_widget(client, user, locale="en")  # no country in the locale: every country
    assert "Country:" not in text(page) and len(listed(page)) == 30
    # A widget link's locale changes the language, not the list: the country is the session's.
    _, page = open_widget(client, user, query={"locale": "fr-DE"})
    assert "Pays :" not in text(page) and "demo" in dict(listed(page))


@pytest.mark.parametrize("options, says", [
    ({"country": "XX"}, "country must be an ISO 3166-1 alpha-2 code"),
    ({"country": "FRA"}, "country must be an ISO 3166-1 alpha-2 code"),
    ({"country": "France"}, "country must be an ISO 3166-1 alpha-2 code"),
    ({"country": "FR\n"}, "country must be an ISO 3166-1 alpha-2 code"),
    ({"country": "EU"}, "country must be an ISO 3166-1 alpha-2 code"),
    ({"locale": "fr-XX"}, "locale must be one of fr, en, de, es, it, nl, pt, optionally"),
    ({"locale": "fr-FR\n"}, "locale must be one of fr, en, de, es, it, nl, pt, optionally"),
    ({"locale": "fr-"}, "locale must be one of fr, en, de, es, it, nl, pt, optionally"),
    ({"locale": "ru-RU"}, "locale must be one of fr, en, de, es, it, nl, pt, optionally"),
])
def test_a_bad_country_or_locale_is_an_invalid_request(client, user, options, says):
    created = create_session(client, user, redirect_url="http://localhost:5000/r", **options)
    assert created.status_code == 400
    assert created.get_json()["error"] == "invalid_request"
    assert says in created.get_json()["error_description"]


def test_a_bad_locale_in_the_link_ends_with_invalid_request(client, user):
    _, page = open_widget(client, user, query={"locale": "fr-ZZ"})
    assert page.status_code == 303
    assert returned(page)["result"] == "error" and returned(page)["error"] == "invalid_request"


def test_a_capped_count_reads_1000_plus_in_the_locale_s_digits(client, app, user):
    add_banks(app, *[(f"many-{n}", f"Banque Nombreuse {n}", "Tours", "FR", 500)
                     for n in range(SEARCH_WINDOW + 1)])
    w, page = open_widget(client, user)
    assert "1\u202f000+ banques" in text(page)  # French groups digits with a narrow space
    assert "Page 1 sur 34" in text(page)
    page = w.get(PROVIDERS, q="nombreuse", locale="en")
    assert "1,000+ banks" in text(page)
    page = w.get(PROVIDERS, q="nombreuse", locale="en", headers={  # the live search's fragment
        "HX-Request": "true", "HX-Target": "provider-results"})
    assert re.search(r'<p id="provider-count" hx-swap-oob="innerHTML">1,000\+ banks</p>',
                     text(page))
    page = w.get(PROVIDERS, q="nombreuse 12", locale="en")  # 1,000 or fewer: the exact count
    assert "11 banks" in text(page) and "+" not in text(page).split('class="count"')[1][:40]
