"""Provider search through its index: same answers as a scan, short queries, countries, the
window, upkeep, and the upgrades that built it."""
import pytest

from tests.sandbox.old_databases import old_database
from widget.sandbox import provider_index
from widget.sandbox.db import connect, ensure_database
from widget.sandbox.providers import SEARCH_WINDOW, fold, search_providers
from widget.sandbox.upgrades import SCHEMA_VERSION

IN_ORDER = "SELECT * FROM providers ORDER BY country, sort_key, id"  # a search's order
BY_POPULARITY = "SELECT * FROM providers ORDER BY popularity_rank, sort_key, id"


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "sandbox.sqlite3")
    ensure_database(path)
    connection = connect(path)
    yield connection
    connection.close()


def scanned(db, search, country=None):
    """What search answered before the index: every provider whose key contains the query, by
    country and name; without a query, everyone, the most popular first."""
    key = fold(search)
    return [row["id"] for row in db.execute(IN_ORDER if key else BY_POPULARITY)
            if key in row["search_key"] and country in (None, row["country"])]


def searched(db, search, limit=500, offset=0, country=None):
    return [row["id"] for row in search_providers(db, search, limit, offset, country).rows]


def add(db, provider_id, name, city="Paris", country="FR", rank=1000):
    db.execute("INSERT INTO providers (id, name, city, sort_key, search_key, country,"
               " popularity_rank) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (provider_id, name, city, fold(name), fold(f"{name} {city}"), country, rank))


def assert_index_agrees(db):
    """Ranks follow the catalogue's order, and every query of 3+ characters (and the empty one)
    answers as a scan does, in every country and in none."""
    ranks = [row["search_rank"] for row in db.execute(IN_ORDER)]
    assert None not in ranks and ranks == sorted(set(ranks))
    keys = [row[0] for row in db.execute("SELECT search_key FROM providers")]
    countries = [None] + [row[0] for row in db.execute("SELECT DISTINCT country FROM providers")]
    for query in {key[start:start + 4] for key in keys for start in (0, 3, 9)} | {"zzz", ""}:
        if len(query) >= 3 or not query:
            for country in countries:
                assert searched(db, query, country=country) == scanned(db, query, country), (
                    query, country)


def test_every_query_of_three_characters_or_more_answers_as_the_scan_did(db):
    queries = {word for key in (row[0] for row in db.execute("SELECT search_key FROM providers"))
               for word in key.split()} | {"BESANÇON", "saint-etienne", "l'e", "n d", "%", "_",
                                           'a"b', "zzz", "que d", "  banque   démo "}
    for query in sorted(queries):
        if len(fold(query)) >= 3:
            matches = search_providers(db, query, 500, 0)
            assert [row["id"] for row in matches.rows] == scanned(db, query), query
            assert (matches.total, matches.more) == (len(scanned(db, query)), False)
    assert_index_agrees(db)


def test_one_or_two_characters_match_the_start_of_a_word(db):
    for query in ("b", "Ba", "É", "sa", "ly", "de", "(ly)", "k"):
        expected = [row["id"] for row in db.execute(IN_ORDER)
                    if any(word.startswith(fold(query)) for word in
                           "".join(c if c.isalnum() else " " for c in row["search_key"]).split())]
        assert expected and searched(db, query) == expected, query
    assert searched(db, "an") != scanned(db, "an")  # "Banque" contains it, no word starts so
    assert searched(db, "ko", country="DE") == ["bank-de-2", "bank-de-1"]  # Köln, by name
    assert searched(db, "ko", country="FR") == []


def test_case_accents_and_punctuation_aside(db):
    add(db, "sg", "Société Générale", "Paris")
    add(db, "ca", "Crédit Agricole (Alpes)", "Grenoble")
    add(db, "coeur", "Banque du Cœur", "Lyon")
    for query in ("societe generale", "SOCIETE-GENERALE", "Société Générale", "société.générale",
                  "  soc  "):
        assert searched(db, query) == ["sg"], query
    for query in ("crédit agricole", "credit agricole", "CREDIT AGRICOLE ALPES", "agricole (alpes)"):
        assert searched(db, query) == ["ca"], query
    assert searched(db, "coeur") == ["coeur"] and searched(db, "cœur") == ["coeur"]
    for query in ("%", "_", "(", "-'-"):  # no word at all: nothing, rather than everything
        assert search_providers(db, query, 50, 0) == (0, [], False), query
    assert searched(db, "a%") == searched(db, "a")


def test_the_most_popular_come_first_then_names(db):
    everyone = searched(db, "")
    assert everyone[:8] == ["demo", "bank-001", "web", "bank-002", "psd2", "bank-003",
                            "bank-004", "down"]
    assert everyone == scanned(db, "")
    add(db, "new-first", "Zèbre Banque", rank=1)  # a tie with Banque Démo: by name after it
    add(db, "new-second", "Banque Zéro", rank=1)
    assert searched(db, "", 4) == ["demo", "new-second", "new-first", "bank-001"]
    assert searched(db, "", 3, country="DE") == ["bank-de-1", "bank-de-2", "bank-de-3"]
    db.execute("UPDATE providers SET popularity_rank = 2000 WHERE id = 'demo'")
    assert searched(db, "")[:2] == ["new-second", "new-first"] and searched(db, "")[-1] == "demo"
    assert searched(db, "", 1, 1) == ["new-first"]
    assert_index_agrees(db)


def test_a_search_lists_by_country_then_name(db):
    found = search_providers(db, "banque", 500, 0).rows
    assert [(row["country"], row["sort_key"]) for row in found] == sorted(
        (row["country"], row["sort_key"]) for row in found)
    assert found[0]["name"] == "Banque Régionale de Charleroi"  # in Belgium
    french = searched(db, "banque", country="FR")
    assert french == scanned(db, "banque", "FR") and french.index("demo") > 50  # by name


def country_of(db, country):
    return {row[0] for row in db.execute("SELECT id FROM providers WHERE country = ?", (country,))}


def test_a_country_keeps_its_own_banks_only(db):
    everyone = [row["id"] for row in db.execute(BY_POPULARITY)]
    for country in ("FR", "DE", "BE", "PT", "US"):
        own = [provider for provider in everyone if provider in country_of(db, country)]
        assert searched(db, "", country=country) == own, country
        matches = search_providers(db, "", 500, 0, country)
        assert (matches.total, matches.more) == (len(own), False)
    assert searched(db, "", country="US") == [] and len(searched(db, "")) == len(everyone)
    assert searched(db, "caja", country="ES") == ["bank-es-5", "bank-es-1", "bank-es-3"]
    assert searched(db, "caja", country="FR") == []
    db.execute("UPDATE providers SET country = 'ES' WHERE id = 'web'")  # the index follows
    assert searched(db, "ligne", country="ES") == ["web"] and searched(db, "li", country="FR")
    assert "web" not in searched(db, "", country="FR")
    assert_index_agrees(db)


def test_an_empty_query_lists_everyone(db):
    everyone = search_providers(db, "", 500, 0)
    assert [row["id"] for row in everyone.rows] == scanned(db, "")
    assert searched(db, "  ", 10, 20) == scanned(db, "")[20:30]


def test_past_the_window_the_count_is_capped_and_pages_are_empty(db):
    provider_index.add_many(db, [
        (f"many-{n}", f"Many {n:04}", "Paris", fold(f"Many {n:04}"), fold(f"Many {n:04} Paris"),
         1, "FR", 1000, None) for n in range(SEARCH_WINDOW + 5)])
    for query in ("many", "m", ""):
        matches = search_providers(db, query, 20, SEARCH_WINDOW - 10)
        assert (matches.total, matches.more) == (SEARCH_WINDOW, True), query
        assert len(matches.rows) == 10
        assert search_providers(db, query, 20, SEARCH_WINDOW).rows == []
    assert searched(db, "many", 20, 980) == [f"many-{n}" for n in range(980, 1000)]
    exact = search_providers(db, "many 000", 50, 0)
    assert (exact.total, exact.more) == (10, False)


def test_the_count_is_the_same_on_every_page_and_past_the_last(db):
    """The count and the page come from one read of the index (a phrase that matches nothing
    checks its candidates once): every page, even an empty one, says how many there are."""
    for query, country in (("banque", None), ("e de ", None), ("ban", "FR"), ("", "FR")):
        everyone = scanned(db, query, country)
        assert len(everyone) > 3, query
        for offset in (0, 1, len(everyone) - 1, len(everyone), len(everyone) + 40):
            page = search_providers(db, query, 2, offset, country)
            assert (page.total, page.more) == (len(everyone), False), (query, offset)
            assert [row["id"] for row in page.rows] == everyone[offset:offset + 2]
    nothing = search_providers(db, "1 banque 2", 20, 0)  # each trigram is in many names
    assert (nothing.total, nothing.rows, nothing.more) == (0, [], False)


def test_the_index_follows_inserts_updates_and_deletes(db):
    add(db, "new", "Banque Nouvelle", "Quimperlé")
    assert searched(db, "nouvelle") == ["new"] and searched(db, "quimperle") == ["new"]
    db.execute("UPDATE providers SET name = 'Zèbre Bank', sort_key = 'zebre bank',"
               " search_key = 'zebre bank quimperle' WHERE id = 'new'")
    assert searched(db, "nouvelle") == [] and searched(db, "zebre") == ["new"]
    assert searched(db, "")[-1] == "new"
    db.execute("UPDATE providers SET available = 0 WHERE id = 'demo'")
    assert searched(db, "demo") == ["demo"]
    db.execute("DELETE FROM providers WHERE id = 'new'")
    assert searched(db, "zebre") == [] and searched(db, "ze") == []
    assert_index_agrees(db)


def test_inserts_crowded_at_one_place_make_room_and_keep_the_order(db):
    # Each insert lands right before the previous one: the gap halves until ranks must move.
    for n in range(60, 0, -1):
        add(db, f"crowd-{n:02}", f"Banque Dense {n:02}")
    assert searched(db, "dense") == [f"crowd-{n:02}" for n in range(1, 61)]
    assert_index_agrees(db)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_older_database_gains_countries_ranks_logos_and_its_index_in_place(tmp_path, version):
    path = str(tmp_path / "old.sqlite3")
    old_database(path, version, extra_providers=[("mine", "Ma Banque (Agen)", "Agen")])
    ensure_database(path)
    upgraded = connect(path)
    try:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert searched(upgraded, "ma banque agen") == ["mine"]  # refolded: "(" is a space
        assert searched(upgraded, "")[:3] == ["demo", "bank-001", "web"]
        assert searched(upgraded, "", country="DE")[0] == "bank-de-1"  # the new banks came
        demo = upgraded.execute("SELECT * FROM providers WHERE id = 'demo'").fetchone()
        assert (demo["country"], demo["popularity_rank"], demo["logo"]) == ("FR", 1, "demo")
        mine = upgraded.execute("SELECT * FROM providers WHERE id = 'mine'").fetchone()
        assert (mine["country"], mine["logo"]) == ("FR", None)
        assert searched(upgraded, "")[-1] == "mine"  # unranked: after every seeded bank
        assert upgraded.execute("SELECT count(*) FROM channel_definitions WHERE"
                                " provider_id = 'bank-pt-2'").fetchone()[0] == 2
        assert_index_agrees(upgraded)
        add(upgraded, "later", "Banque Abeille", rank=2)  # the new triggers work
        assert searched(upgraded, "")[:3] == ["demo", "later", "bank-001"]
        assert upgraded.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        upgraded.close()
