"""Provider search through its index: same answers as a scan, short queries, the window, upkeep."""
import sqlite3

import pytest

from widget.sandbox import provider_index
from widget.sandbox.db import SCHEMA, SCHEMA_2, connect, ensure_database, seed
from widget.sandbox.providers import SEARCH_WINDOW, fold, search_providers


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "sandbox.sqlite3")
    ensure_database(path)
    connection = connect(path)
    yield connection
    connection.close()


def scanned(db, search):
    """What search answered before the index: every provider whose key contains the query."""
    key = fold(search)
    return [row["id"] for row in db.execute("SELECT * FROM providers ORDER BY sort_key, id")
            if key in row["search_key"]]


def searched(db, search, limit=500, offset=0):
    return [row["id"] for row in search_providers(db, search, limit, offset).rows]


def add(db, provider_id, name, city="Paris"):
    db.execute("INSERT INTO providers (id, name, city, sort_key, search_key)"
               " VALUES (?, ?, ?, ?, ?)", (provider_id, name, city, fold(name), fold(f"{name} {city}")))


def assert_index_agrees(db):
    """Ranks follow the name order, and every query of 3+ characters answers as a scan does."""
    ranks = [row[0] for row in db.execute(
        "SELECT search_rank FROM providers ORDER BY sort_key, id")]
    assert None not in ranks and ranks == sorted(set(ranks))
    keys = [row[0] for row in db.execute("SELECT search_key FROM providers")]
    for query in {key[start:start + 4] for key in keys for start in (0, 3, 9)} | {"zzz"}:
        if len(query) >= 3:
            assert searched(db, query) == scanned(db, query), query


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
    for query in ("b", "Ba", "É", "sa", "ly", "de"):
        expected = [row["id"] for row in db.execute(
            "SELECT * FROM providers ORDER BY sort_key, id")
            if any(word.startswith(fold(query)) for word in
                   "".join(c if c.isalnum() else " " for c in row["search_key"]).split())]
        assert expected and searched(db, query) == expected, query
    assert searched(db, "an") != scanned(db, "an")  # "Banque" contains it, no word starts so
    for query in ("%", "_", "a%", "%a"):
        assert search_providers(db, query, 50, 0) == (0, [], False), query


def test_an_empty_query_lists_everyone_in_name_order(db):
    everyone = search_providers(db, "", 500, 0)
    assert [row["id"] for row in everyone.rows] == scanned(db, "")
    assert searched(db, "  ", 10, 20) == scanned(db, "")[20:30]


def test_past_the_window_the_count_is_capped_and_pages_are_empty(db):
    provider_index.add_many(db, [
        (f"many-{n}", f"Many {n:04}", "Paris", fold(f"Many {n:04}"), fold(f"Many {n:04} Paris"),
         1) for n in range(SEARCH_WINDOW + 5)])
    for query in ("many", "m", ""):
        matches = search_providers(db, query, 20, SEARCH_WINDOW - 10)
        assert (matches.total, matches.more) == (SEARCH_WINDOW, True), query
        assert len(matches.rows) == 10
        assert search_providers(db, query, 20, SEARCH_WINDOW).rows == []
    assert searched(db, "many", 20, 980) == [f"many-{n}" for n in range(980, 1000)]
    exact = search_providers(db, "many 000", 50, 0)
    assert (exact.total, exact.more) == (10, False)


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


def test_a_database_of_schema_2_gains_the_index_in_place(tmp_path):
    path = str(tmp_path / "old.sqlite3")
    old = sqlite3.connect(path, isolation_level=None)
    for statement in SCHEMA + SCHEMA_2:
        old.execute(statement)
    seed(old)
    old.execute("INSERT INTO providers VALUES ('mine', 'Ma Banque', 'Agen', 'ma banque',"
                " 'ma banque agen', 1)")
    old.execute("PRAGMA user_version = 2")
    old.close()
    ensure_database(path)
    upgraded = connect(path)
    try:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == 3
        assert searched(upgraded, "ma banque") == ["mine"]
        assert searched(upgraded, "") == scanned(upgraded, "")
        assert_index_agrees(upgraded)
        assert upgraded.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        upgraded.close()
