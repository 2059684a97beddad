"""The provider catalogue: listing, search, paging, the test banks and the `down` bank."""
from widget.sandbox import provider_index
from widget.sandbox.db import connect
from widget.sandbox.providers import SEARCH_WINDOW, fold


def names(response):
    return [provider["name"] for provider in response.json]


def test_list_is_sorted_paged_and_counted(user):
    first = user.get("/providers")
    assert first.status_code == 200
    total = int(first.headers["X-Total-Count"])
    assert total >= 304  # the four test banks and at least 300 regional ones
    assert len(first.json) == 50
    page = user.get("/providers?limit=10&offset=10")
    assert names(page) == names(first)[10:20]
    everything = user.get("/providers?limit=500")
    assert len(everything.json) == total
    assert len(set(names(everything))) == total
    keys = [fold(name) for name in names(everything)]
    assert keys == sorted(keys)


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


def test_search_treats_like_wildcards_literally(user):
    response = user.get("/providers?search=%25")
    assert response.json == []
    assert response.headers["X-Total-Count"] == "0"


def test_a_search_past_the_window_says_its_count_is_capped(app, user):
    assert "X-Total-Count-Capped" not in user.get("/providers").headers
    db = connect(app.config["SANDBOX_DATABASE"])
    with db:
        db.execute("BEGIN")
        provider_index.add_many(db, [(f"many-{n}", f"Many {n}", "Paris", fold(f"Many {n}"),
                                      fold(f"Many {n} Paris"), 1)
                                     for n in range(SEARCH_WINDOW + 1)])
    db.close()
    for search in ("", "many", "m"):
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
    assert demo["country"] == "FR"
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

