"""The provider catalogue: listing, search, paging, the test banks and the `down` bank."""
from widget.sandbox import provider_index
from widget.sandbox.db import connect
from widget.sandbox.providers import SEARCH_WINDOW, fold


def names(response):
    return [provider["name"] for provider in response.json]


def test_list_is_sorted_by_popularity_paged_and_counted(user):
    first = user.get("/providers")
    assert first.status_code == 200
    total = int(first.headers["X-Total-Count"])
    assert total >= 304  # the four test banks and at least 300 regional ones
    assert len(first.json) == 50
    page = user.get("/providers?limit=10&offset=10")
    assert names(page) == names(first)[10:20]
    everything = user.get("/providers?limit=500").json
    assert len(everything) == total
    assert len({provider["name"] for provider in everything}) == total
    order = [(p["popularity_rank"], fold(p["name"]), p["id"]) for p in everything]
    assert order == sorted(order)
    # The test banks are among the most popular: the list shows them before any search.
    assert {"demo", "web", "psd2", "down"} <= {p["id"] for p in everything[:10]}
    assert [p["popularity_rank"] for p in everything[:3]] == [1, 2, 3]
    # A search lists by country, then name.
    found = user.get("/providers?search=banque&limit=500").json
    order = [(p["country"], fold(p["name"]), p["id"]) for p in found]
    assert order == sorted(order) and found[0]["country"] == "BE"


def test_country_filter(user):
    german = user.get("/providers?country=DE")
    assert german.status_code == 200 and german.json
    assert {p["country"] for p in german.json} == {"DE"}
    assert german.headers["X-Total-Count"] == str(len(german.json))
    assert user.get("/providers?country=de").json == german.json  # either case
    assert names(user.get("/providers?country=DE&search=koln")) == [
        "Genossenschaftskasse Köln", "Regionalbank Köln"]
    assert user.get("/providers?country=DE&search=banque").json == []
    french = user.get("/providers?country=FR&limit=500").json
    assert {p["country"] for p in french} == {"FR"} and "demo" in {p["id"] for p in french}
    assert user.get("/providers?country=US").json == []  # a country without banks here
    assert user.get("/providers?country=US").headers["X-Total-Count"] == "0"
    for bad in ("FRA", "F", "ZZ", "XK", "1", "fr%0A", "%C3%89S"):
        response = user.get(f"/providers?country={bad}")
        assert response.status_code == 400, bad
        assert response.json["error"] == "invalid_request"
        assert "ISO 3166" in response.json["error_description"]


def test_providers_carry_a_country_a_rank_and_a_logo_url(user, client):
    demo = user.get("/providers/demo").json
    assert (demo["country"], demo["popularity_rank"]) == ("FR", 1)
    assert demo["logo_url"].startswith("http://localhost/sandbox/static/logos/demo.")
    assert demo["logo_url"].endswith(".svg")
    listed = {p["id"]: p for p in user.get("/providers?limit=500").json}
    assert listed["demo"] == demo
    assert listed["bank-001"]["logo_url"].split("/")[-1].startswith("regionale.")
    assert listed["bank-008"]["logo_url"] is None  # Banque Coopérative: a letter avatar
    logos = {p["logo_url"] for p in listed.values() if p["logo_url"]}
    assert 5 <= len(logos) <= 10  # a handful of styles, shared


def test_logos_are_small_svg_files_cached_for_a_year(user, client):
    listed = user.get("/providers?limit=500").json
    urls = {p["logo_url"] for p in listed if p["logo_url"]}
    assert {p["id"] for p in listed if p["logo_url"]} >= {"demo", "web", "psd2", "down"}
    for url in urls:
        logo = client.get(url.removeprefix("http://localhost"))
        assert logo.status_code == 200, url
        assert logo.headers["Content-Type"].startswith("image/svg+xml")
        assert logo.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert logo.headers["X-Content-Type-Options"] == "nosniff"
        body = logo.get_data(as_text=True)
        assert body.startswith("<svg") and "<script" not in body and len(body) < 1024
        logo.close()


def test_limit_is_capped_and_validated(user):
    assert len(user.get("/providers?limit=100000").json) <= 500
    for query in ("limit=0", "limit=x", "offset=-1"):
        response = user.get(f"/providers?{query}")
        assert response.status_code == 400, query
        assert response.json["error"] == "invalid_request"


def test_search_ignores_accents_and_case(user):
    for search in ("besancon", "BESANÇON", "Besançon"):
        response = user.get(f"/providers?search={search}")
        assert response.json and all(p["city"] == "Besançon" for p in response.json), search
    assert int(user.get("/providers?search=demo").headers["X-Total-Count"]) == 1
    assert names(user.get("/providers?search=banque%20DEMO")) == ["Banque Démo"]


def test_search_matches_the_city_and_hyphens(user):
    response = user.get("/providers?search=saint%20etienne")
    assert response.json
    assert all(provider["city"] == "Saint-Étienne" for provider in response.json)


def test_search_of_punctuation_only_finds_nothing(user):
    for search in ("%25", "_", "-", "%27%27"):
        response = user.get(f"/providers?search={search}")
        assert response.json == [], search
        assert response.headers["X-Total-Count"] == "0"


def test_a_search_past_the_window_says_its_count_is_capped(app, user):
    assert "X-Total-Count-Capped" not in user.get("/providers").headers
    db = connect(app.config["SANDBOX_DATABASE"])
    with db:
        db.execute("BEGIN")
        provider_index.add_many(db, [(f"many-{n}", f"Many {n}", "Paris", fold(f"Many {n}"),
                                      fold(f"Many {n} Paris"), 1, "FR", 1000, None)
                                     for n in range(SEARCH_WINDOW + 1)])
    db.close()
    for search in ("", "many", "m", "&country=FR", "many&country=FR"):
        response = user.get(f"/providers?search={search}&limit=20&offset=980")
        assert response.headers["X-Total-Count"] == str(SEARCH_WINDOW), search
        assert response.headers["X-Total-Count-Capped"] == "true"
        assert len(response.json) == 20
        assert user.get(f"/providers?search={search}&offset={SEARCH_WINDOW}").json == []
    exact = user.get("/providers?search=many%201")  # Many 1, 10...19, 100...199, 1000
    assert exact.headers["X-Total-Count"] == "112"
    narrow = user.get("/providers?search=many%2012")
    assert narrow.headers["X-Total-Count"] == "11"  # Many 12, Many 120...129
    assert "X-Total-Count-Capped" not in narrow.headers


def test_demo_bank_has_a_redirect_then_an_embedded_channel(user):
    demo = user.get("/providers/demo").json
    assert demo["name"] == "Banque Démo"
    redirect, embedded = demo["channel_definitions"]
    assert (redirect["id"], redirect["mode"]) == ("demo-redirect", "REDIRECT")
    assert redirect["account_types"] == ["CHECKINGS", "CREDIT_CARD"]
    assert redirect["credential_fields"] == []
    assert (embedded["id"], embedded["mode"]) == ("demo-embedded", "EMBEDDED")
    assert embedded["account_types"] == ["SAVINGS", "LOAN"]
    assert [field["name"] for field in embedded["credential_fields"]] == ["login", "password"]
    assert embedded["credential_fields"][1]["type"] == "PASSWORD"
    label = embedded["credential_fields"][0]["label"]  # in each language of the sandbox
    assert label["fr"] == "Identifiant" and label["en"] == "Login" and label["de"] == "Anmeldename"
    assert set(label) == {"fr", "en", "de", "es", "it", "nl", "pt"}


def test_other_test_banks(user):
    web = user.get("/providers/web").json
    assert [d["id"] for d in web["channel_definitions"]] == ["web-embedded"]
    psd2 = user.get("/providers/psd2").json
    assert [(d["id"], d["mode"]) for d in psd2["channel_definitions"]] == [
        ("psd2-redirect", "REDIRECT")]
    regional = user.get("/providers/bank-001").json
    assert regional["channel_definitions"][-1]["mode"] == "EMBEDDED"
    with_redirect = user.get("/providers/bank-003").json
    assert [d["mode"] for d in with_redirect["channel_definitions"]] == ["REDIRECT", "EMBEDDED"]


def test_unknown_provider_is_404(user):
    response = user.get("/providers/nope")
    assert response.status_code == 404
    assert response.json == {"error": "not_found"}


def test_down_bank_answers_503_to_every_call_about_it(user):
    listed = user.get("/providers?search=panne").json
    assert [p["id"] for p in listed] == ["down"]
    assert user.get("/providers/down").status_code == 503
    assert user.get("/providers/down").json["error"] == "provider_unavailable"
    creation = user.post("/connections", json={
        "provider_id": "down", "channel_definition_id": "down-embedded",
        "credentials": {"login": "demo", "password": "pw"}})
    assert creation.status_code == 503
    url = user.post("/providers/down/channel_definitions/down-embedded/authorize_url",
                    json={"redirect_uri": "http://localhost/cb", "state": "s"})
    assert url.status_code == 503
    assert user.get("/connections").json == []

