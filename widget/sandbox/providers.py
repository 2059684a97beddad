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
POPULARITY_ORDER = "popularity_rank, sort_key, id"
# Letters that NFKD keeps whole but that French spells out when typing without them.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


class Matches(NamedTuple):
    """A page of a search: `total` counts at most SEARCH_WINDOW; `more` says there are others."""
    total: int
    rows: list
    more: bool


def fold(text):
    """Lower case, no accents, punctuation as spaces: what search compares ("Société-Générale"
    and "societe generale" fold alike; "œ" reads "oe")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(" " if unicodedata.category(char).startswith("P") else char
                   for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().translate(LIGATURES).split())


def find_provider(db, provider_id):
    """The provider row, or None."""
    return db.execute("SELECT * FROM providers WHERE id = ?", (provider_id,)).fetchone()


def find_definition(db, provider_id, definition_id):
    """The channel definition of that provider, or None."""
    return db.execute(
        "SELECT * FROM channel_definitions WHERE id = ? AND provider_id = ?",
        (definition_id, provider_id),
    ).fetchone()


def search_providers(db, search, limit, offset, country=None):
    """A page of the providers of `country` (a checked code; None: every country) whose name
    or city contains `search` (see docs/sandbox-api.md for 1 or 2 characters), and how many
    there are up to SEARCH_WINDOW. Without a search, the most popular first; with one, by
    country then name, the order the index keeps (provider_index.py says why)."""
    key = fold(search or "")
    if not key:
        if search and search.strip():  # punctuation only: no word to look for
            return Matches(0, [], False)
        where, parameters = ("WHERE country = ?", (country,)) if country else ("", ())
        # Only what the popularity indexes hold: counting and skipping read no table row.
        matching = f"SELECT rowid FROM providers {where} ORDER BY {POPULARITY_ORDER}"
        column, order = "rowid", POPULARITY_ORDER
    else:
        matching, parameters = _matching_ranks(db, key, country)
        if matching is None:
            return Matches(0, [], False)
        column, order = "search_rank", "search_rank"
    # One read of the index gives the count and the page: a search that matches few names
    # but whose trigrams are in many (`1 lyon 2`) checks each of them once, not twice.
    ranks = db.cursor()
    ranks.row_factory = None  # plain tuples: up to 1,001 rows, no sqlite3.Row for each
    found = [match for (match,) in ranks.execute(f"{matching} LIMIT ?",
                                                 (*parameters, SEARCH_WINDOW + 1))]
    page = found[offset:min(offset + limit, SEARCH_WINDOW)]
    rows = db.execute(f"SELECT * FROM providers WHERE {column} IN ({','.join('?' * len(page))})"
                      f" ORDER BY {order}", page).fetchall() if page else []
    return Matches(min(len(found), SEARCH_WINDOW), rows, len(found) > SEARCH_WINDOW)


def _matching_ranks(db, key, country):
    """(SQL selecting the search ranks of the matches in order, its parameters); (None, ())
    when nothing can match."""
    if len(key) >= 3:
        table, query = "provider_trigrams", _phrase(key)
    elif key.isalnum():  # what the words index holds: words are runs of letters and digits
        table, query = "provider_words", _phrase(key) + " *"
    else:
        return None, ()
    matching = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
    if not country:
        return matching + " ORDER BY rowid", (query,)
    # A country's providers are one range of ranks: FTS5 seeks to its start, stops at its end.
    # Two subqueries: each is one step in the index, where min() and max() together scan.
    first, last = db.execute(
        "SELECT (SELECT min(search_rank) FROM providers WHERE country = ?),"
        " (SELECT max(search_rank) FROM providers WHERE country = ?)", (country, country)).fetchone()
    if first is None:
        return None, ()
    return matching + " AND rowid BETWEEN ? AND ? ORDER BY rowid", (query, first, last)


def _phrase(text):
    """An FTS5 string: every character literal."""
    return '"' + text.replace('"', '""') + '"'


def provider_status(row, statuses):
    """UP, DEGRADED or DOWN: `statuses` (SANDBOX_PROVIDER_STATUS) first, else DOWN for a
    provider seeded unavailable (Banque Panne), else UP."""
    return statuses.get(row["id"]) or ("UP" if row["available"] else "DOWN")


def providers_json(db, rows, logo_url, statuses=None):
    """Providers with their channel definitions, in one query for the whole page;
    `logo_url(name)` is the address of the logo file `name`; `statuses` as provider_status's."""
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
            "country": row["country"],
            "popularity_rank": row["popularity_rank"],
            "status": provider_status(row, statuses or {}),
            "logo_url": logo_url(row["logo"]) if row["logo"] else None,
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
