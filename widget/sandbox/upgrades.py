"""From any older schema version to this one; a new database is a version 1 brought up too.

Version 2 added idempotency keys and refresh rotations (schema.py); version 3 the provider
search index; version 4 each provider's country, popularity rank and logo, and an index that
serves the most popular first and filters by country (provider_index.py).
"""
from widget.sandbox import provider_index
from widget.sandbox.providers import fold
from widget.sandbox.schema import SCHEMA, SCHEMA_2
from widget.sandbox.seed import seed

SCHEMA_VERSION = 4

# What version 3 added, then replaced by version 4's index.
VERSION_3_INDEX = ["DROP TRIGGER providers_ranked", "DROP TRIGGER providers_reranked",
                   "DROP TRIGGER providers_unranked", "DROP TABLE provider_trigrams",
                   "DROP TABLE provider_words", "DROP INDEX providers_by_name",
                   "DROP INDEX providers_by_search_rank"]
# Providers inserted without a rank (by hand, or before version 4) come after the seeded ones.
CATALOGUE_COLUMNS = [
    "ALTER TABLE providers ADD COLUMN country TEXT NOT NULL DEFAULT 'FR'",
    "ALTER TABLE providers ADD COLUMN popularity_rank INTEGER NOT NULL DEFAULT 1000000",
    "ALTER TABLE providers ADD COLUMN logo TEXT",
]


def create_schema(connection):
    """The tables and the seeded rows of a new database, inside the builder's transaction."""
    for statement in SCHEMA:
        connection.execute(statement)
    upgrade_schema(connection, 1)


def upgrade_schema(connection, found):
    """Bring a database of version `found` up to date, inside the caller's transaction."""
    if found < 2:
        for statement in SCHEMA_2:
            connection.execute(statement)
    if found < 3:
        connection.execute("ALTER TABLE providers ADD COLUMN search_rank INTEGER")
        connection.execute("DROP INDEX providers_by_sort_key")
    else:  # version 3: its index makes way for this one
        for statement in VERSION_3_INDEX:
            connection.execute(statement)
    for statement in CATALOGUE_COLUMNS:
        connection.execute(statement)
    refold(connection)
    seed(connection)  # before the index's triggers: rebuild() ranks and indexes all at once
    for statement in provider_index.INDEX_SCHEMA:
        connection.execute(statement)
    provider_index.rebuild(connection)


def refold(connection):
    """Every provider's keys as today's `fold` makes them (version 4 reads all punctuation as
    spaces), so the index rebuilt next finds what a new database would."""
    rows = connection.execute("SELECT rowid, name, city FROM providers").fetchall()
    connection.executemany("UPDATE providers SET sort_key = ?, search_key = ? WHERE rowid = ?",
                           [(fold(name), fold(f"{name} {city}"), rowid) for rowid, name, city in rows])
