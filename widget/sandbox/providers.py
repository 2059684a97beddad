"""The provider catalogue: lookups, search keys and the JSON shapes of providers."""
import json
import unicodedata

CREDENTIAL_FIELDS = [
    {"name": "login", "type": "TEXT", "label": {"fr": "Identifiant", "en": "Login"}},
    {"name": "password", "type": "PASSWORD", "label": {"fr": "Mot de passe", "en": "Password"}},
]


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
    """(total, rows) of the providers whose name or city contains `search`, sorted by name."""
    pattern = "%" + _escape_like(fold(search or "")) + "%"
    where = "search_key LIKE ? ESCAPE '\\'"
    total = db.execute(f"SELECT COUNT(*) FROM providers WHERE {where}", (pattern,)).fetchone()[0]
    rows = db.execute(
        f"SELECT * FROM providers WHERE {where} ORDER BY sort_key, id LIMIT ? OFFSET ?",
        (pattern, limit, offset),
    ).fetchall()
    return total, rows


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


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
