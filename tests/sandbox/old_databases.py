"""Sandbox database files as older versions of the code built them, for the upgrade tests."""
import json
import os
import sqlite3
import unicodedata

from widget.sandbox.schema import SCHEMA, SCHEMA_2
from widget.sandbox.seed import DEMO_CLIENT, catalogue, secret_digest

# Version 3's tables, indexes, full-text tables and triggers, as sqlite_master held them.
SCHEMA_3_SQL = os.path.join(os.path.dirname(__file__), "schema_3.sql")


def old_fold(text):
    """The search keys of versions 1 to 3: only hyphens and apostrophes read as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    for separator in "-'’":
        bare = bare.replace(separator, " ")
    return " ".join(bare.casefold().split())


def old_database(path, version, extra_providers=()):
    """A database of schema `version` (1, 2 or 3), seeded as then: the demo client, and the
    French banks with their channels but no country, rank or logo; plus `extra_providers`
    (id, name, city). Closed when returned."""
    connection = sqlite3.connect(path, isolation_level=None)
    if version == 3:
        with open(SCHEMA_3_SQL, encoding="utf-8") as fh:
            connection.executescript(fh.read())
    else:
        for statement in SCHEMA + (SCHEMA_2 if version == 2 else []):
            connection.execute(statement)
    connection.execute("BEGIN")  # one commit, not one a row
    connection.execute("INSERT INTO clients VALUES (?, ?, ?, ?, ?)", (
        DEMO_CLIENT["client_id"], secret_digest(DEMO_CLIENT["secret"]), DEMO_CLIENT["name"],
        json.dumps(DEMO_CLIENT["redirect_uris"]), json.dumps(DEMO_CLIENT["frame_ancestors"])))
    providers = [(bank.id, bank.name, bank.city) for _, bank in catalogue() if bank.country == "FR"]
    for provider_id, name, city in [*providers, *extra_providers]:
        connection.execute(
            "INSERT INTO providers (id, name, city, sort_key, search_key, available)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (provider_id, name, city, old_fold(name), old_fold(f"{name} {city}"),
             int(provider_id != "down")))
    for _, bank in catalogue():
        if bank.country == "FR":
            for position, (definition_id, mode, label, types) in enumerate(bank.definitions):
                connection.execute("INSERT INTO channel_definitions VALUES (?, ?, ?, ?, ?, ?)",
                                   (definition_id, bank.id, position, mode, label,
                                    json.dumps(types)))
    connection.execute(f"PRAGMA user_version = {int(version)}")
    connection.execute("COMMIT")
    connection.close()
