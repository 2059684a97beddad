"""The provider catalogue: lookups, search keys and the JSON shapes of providers."""
import json
import unicodedata
from typing import NamedTuple

from widget.sandbox.texts import in_every_language

CREDENTIAL_FIELDS = [
    {"name": "login", "type": "TEXT", "label": in_every_language("credential_fields", "login")},
    {"name": "password", "type": "PASSWORD",
     "label": in_every_language("credential_fields", "password")},
]
# Searches page through their first SEARCH_WINDOW matches only, and count up to it: both
# cost no more than reading that many entries of the index, however broad the search.
SEARCH_WINDOW = 1000


class Matches(NamedTuple):
    """A page of a search: `total` counts at most SEARCH_WINDOW; `more` says there are others."""
    total: int
    rows: list
    more: bool


def fold(text):
    """Lower case, no accents, hyphens and apostrophes as spaces: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    for separator in "-'’":
        bare = bare.replace(separator, " ")
    return " ".join(bare.casefold().split())


def find_provider(db, provider_id):
    """The provider row, or None."""
    return db.execute("SELECT * FROM providers WHERE id = ?", (provider_id,)).fetchone()


def find_definition(db, provider_id, definition_id):
    """The channel definition of that provider, or None."""
    return db.execute(
        "SELECT * FROM channel_definitions WHERE id = ? AND provider_id = ?",
        (definition_id, provider_id),
    ).fetchone()


def search_providers(db, search, limit, offset):
    """The providers whose name or city contains `search` (see docs/sandbox-api.md for 1 or 2
    characters), sorted by name: a page of them, and how many there are up to SEARCH_WINDOW."""
    key = fold(search or "")
    ranks, parameters = _matching_ranks(key)
    if ranks is None:
        return Matches(0, [], False)
    found = db.execute(f"SELECT count(*) FROM ({ranks} LIMIT ?)",
                       (*parameters, SEARCH_WINDOW + 1)).fetchone()[0]
    limit = min(limit, SEARCH_WINDOW - offset)
    rows = db.execute(
        f"SELECT * FROM providers WHERE search_rank IN ({ranks} LIMIT ? OFFSET ?)"
        " ORDER BY search_rank",
        (*parameters, limit, offset),
    ).fetchall() if limit > 0 else []
    return Matches(min(found, SEARCH_WINDOW), rows, found > SEARCH_WINDOW)


def _matching_ranks(key):
    """(SQL selecting the search ranks of the matches in order, its parameters); (None, ())
    when nothing can match."""
    if not key:
        return "SELECT search_rank FROM providers ORDER BY search_rank", ()
    if len(key) >= 3:
        return ("SELECT rowid FROM provider_trigrams WHERE provider_trigrams MATCH ?"
                " ORDER BY rowid", (_phrase(key),))
    if key.isalnum():  # what the words index holds: words are runs of letters and digits
        return ("SELECT rowid FROM provider_words WHERE provider_words MATCH ?"
                " ORDER BY rowid", (_phrase(key) + " *",))
    return None, ()


def _phrase(text):
    """An FTS5 string: every character literal."""
    return '"' + text.replace('"', '""') + '"'


def providers_json(db, rows):
    """Providers with their channel definitions, in one query for the whole page."""
    ids = [row["id"] for row in rows]
    definitions = {provider_id: [] for provider_id in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for definition in db.execute(
            f"SELECT * FROM channel_definitions WHERE provider_id IN ({marks})"
            " ORDER BY provider_id, position",
            ids,
        ):
            definitions[definition["provider_id"]].append(definition_json(definition))
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "city": row["city"],
            "country": "FR",
            "channel_definitions": definitions[row["id"]],
        }
        for row in rows
    ]


def definition_json(definition):
    """A channel definition; REDIRECT ones have no credential fields."""
    return {
        "id": definition["id"],
        "provider_id": definition["provider_id"],
        "mode": definition["mode"],
        "name": definition["name"],
        "account_types": json.loads(definition["account_types"]),
        "credential_fields": CREDENTIAL_FIELDS if definition["mode"] == "EMBEDDED" else [],
    }
