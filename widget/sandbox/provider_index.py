"""The provider search index (schema version 4): full-text tables kept in the catalogue's order.

The catalogue's order, for searches, is by country, then name: (country, sort_key, id). Each
provider has a `search_rank`, an integer that grows with that order. The two FTS5 tables use
it as their rowid, and FTS5 yields matches in rowid order: so a search reads its matches
already sorted and stops after the search window (providers.py), whatever the catalogue's size;
and a country's providers are one range of rowids, which FTS5 seeks to and stops after, so a
country filter costs nothing more. `provider_trigrams` (trigram tokenizer) answers "contains"
for 3 characters and more; `provider_words` (prefix indexes of 1 and 2 characters) answers
shorter queries by the start of a word. Both hold the folded `search_key` only (contentless
tables).

Why not the most popular first, as the list without a search is (a plain index serves that)?
A search that matches little or nothing checks every name holding all its trigrams; in name
order, those cluster, and FTS5 skips whole stretches of the longer lists. Interleaved by
popularity, they do not: at 300,000 providers the worst search found took four times longer.

The triggers keep ranks and tables in step with every insert, update and delete of a
provider. A new rank goes between its neighbours'; when two neighbours' ranks are adjacent
integers, the ranks from there up move by RANK_SPACING first: rare (long runs of inserts at
one place), but it re-indexes every provider after that place. So bulk loads use `add_many`,
which ranks and indexes everything once at the end. `search_rank` is this module's to write.
"""
RANK_SPACING = 1 << 40  # between neighbours, after a rebuild or at either end
RANK_STEP = 1 << 20  # after the previous neighbour, when there is room: in-order inserts

_ORDER = "country, sort_key, id"
_NEW_ORDER = "NEW.country, NEW.sort_key, NEW.id"
_REVERSED = "country DESC, sort_key DESC, id DESC"
_PREVIOUS = ("(SELECT search_rank FROM providers WHERE search_rank IS NOT NULL"
             f" AND ({_ORDER}) < ({_NEW_ORDER}) ORDER BY {_REVERSED} LIMIT 1)")
_NEXT = ("(SELECT search_rank FROM providers WHERE search_rank IS NOT NULL"
         f" AND ({_ORDER}) > ({_NEW_ORDER}) ORDER BY {_ORDER} LIMIT 1)")
_CROWDED = f"{_NEXT} - {_PREVIOUS} < 2"
_RANK = (f"CASE WHEN {_PREVIOUS} IS NULL THEN coalesce({_NEXT} - {RANK_SPACING}, 0)"
         f" WHEN {_NEXT} IS NULL THEN {_PREVIOUS} + {RANK_SPACING}"
         f" ELSE {_PREVIOUS} + min({RANK_STEP}, ({_NEXT} - {_PREVIOUS}) / 2) END")
_TABLES = ("provider_trigrams", "provider_words")


def _index(rank, search_key, where=""):
    return "\n".join(f"INSERT INTO {table} (rowid, search_key) SELECT {rank}, {search_key}"
                     f" {where};" for table in _TABLES)


def _unindex(rank, search_key, where=""):
    return "\n".join(f"INSERT INTO {table} ({table}, rowid, search_key)"
                     f" SELECT 'delete', {rank}, {search_key} {where};" for table in _TABLES)


# Make room after NEW's previous neighbour if there is none, then rank NEW and index it.
_PLACE_NEW = f"""
    {_unindex("search_rank", "search_key",
              f"FROM providers WHERE search_rank >= {_NEXT} AND {_CROWDED}")}
    {_index(f"search_rank + {RANK_SPACING}", "search_key",
            f"FROM providers WHERE search_rank >= {_NEXT} AND {_CROWDED}")}
    UPDATE providers SET search_rank = search_rank + {RANK_SPACING}
        WHERE search_rank >= {_NEXT} AND {_CROWDED};
    UPDATE providers SET search_rank = {_RANK} WHERE rowid = NEW.rowid;
    {_index("search_rank", "NEW.search_key", "FROM providers WHERE rowid = NEW.rowid")}
"""

# The index's objects, on a providers table that has its search_rank, country and
# popularity_rank columns (upgrades.py says how a database comes to have them).
INDEX_SCHEMA = [
    f"CREATE INDEX providers_in_order ON providers ({_ORDER})",
    "CREATE INDEX providers_by_search_rank ON providers (search_rank)",
    "CREATE INDEX providers_by_country ON providers (country, search_rank)",
    # The list without a search: the most popular first, in every country or in one.
    "CREATE INDEX providers_by_popularity ON providers (popularity_rank, sort_key, id)",
    """CREATE INDEX providers_by_country_and_popularity ON providers (
        country, popularity_rank, sort_key, id)""",
    """CREATE VIRTUAL TABLE provider_trigrams USING fts5(
        search_key, content='', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE provider_words USING fts5(
        search_key, content='', tokenize='unicode61', prefix='1 2')""",
    f"""CREATE TRIGGER providers_ranked AFTER INSERT ON providers
    WHEN NEW.search_rank IS NULL BEGIN
        {_PLACE_NEW}
    END""",
    f"""CREATE TRIGGER providers_reranked AFTER UPDATE OF id, sort_key, search_key,
        country ON providers
    BEGIN
        {_unindex("OLD.search_rank", "OLD.search_key", "WHERE OLD.search_rank IS NOT NULL")}
        UPDATE providers SET search_rank = NULL WHERE rowid = NEW.rowid;
        {_PLACE_NEW}
    END""",
    f"""CREATE TRIGGER providers_unranked AFTER DELETE ON providers BEGIN
        {_unindex("OLD.search_rank", "OLD.search_key", "WHERE OLD.search_rank IS NOT NULL")}
    END""",
]

COLUMNS = ("id", "name", "city", "sort_key", "search_key", "available", "country",
           "popularity_rank", "logo")


def add_many(db, providers):
    """Insert rows of COLUMNS' values, then rank and index them all at once."""
    # A rank given on insert skips the trigger; rebuild() then ranks every row afresh.
    db.executemany(f"INSERT INTO providers ({', '.join(COLUMNS)}, search_rank)"
                   f" VALUES ({', '.join('?' * len(COLUMNS))}, 0)", providers)
    rebuild(db)


def rebuild(db):
    """Rank every provider afresh, evenly spaced, and index them all (upgrade, bulk loads)."""
    for table in _TABLES:
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
    db.execute(f"""WITH ordered AS (
            SELECT rowid AS provider, row_number() OVER (ORDER BY {_ORDER}) AS position
            FROM providers)
        UPDATE providers SET search_rank = (ordered.position - 1) * {RANK_SPACING}
        FROM ordered WHERE providers.rowid = ordered.provider""")
    for table in _TABLES:
        db.execute(f"INSERT INTO {table} (rowid, search_key)"
                   " SELECT search_rank, search_key FROM providers ORDER BY search_rank")
