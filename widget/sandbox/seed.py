"""The seeded data: the demo client, the four test banks and the generated regional banks."""
import hashlib
import json
from typing import NamedTuple

from widget.sandbox.providers import fold
from widget.sandbox.regional_banks import regional_banks

DEMO_CLIENT = {
    "client_id": "demo-client",
    "secret": "demo-secret",
    "name": "Passerelle Playground",
    # Any port and any path under these hosts (see oauth_models.Client.check_redirect_uri).
    "redirect_uris": ["http://localhost", "http://127.0.0.1"],
    "frame_ancestors": ["http://localhost:*", "http://127.0.0.1:*"],
}

PAYMENT_ACCOUNTS = "Comptes de paiement (DSP2)"
SAVINGS_AND_LOANS = "Épargne et crédits"


class Bank(NamedTuple):
    """A provider to seed; `logo` names a file of static/logos/ (None: no logo);
    `definitions` are (definition id, mode, name, account types)."""
    id: str
    name: str
    city: str
    country: str
    logo: str | None
    available: bool
    definitions: list


TEST_BANKS = [
    Bank("demo", "Banque Démo", "Paris", "FR", "demo", True, [
        ("demo-redirect", "REDIRECT", PAYMENT_ACCOUNTS, ["CHECKINGS", "CREDIT_CARD"]),
        ("demo-embedded", "EMBEDDED", SAVINGS_AND_LOANS, ["SAVINGS", "LOAN"]),
    ]),
    Bank("web", "Banque en Ligne", "Lille", "FR", "web", True, [
        ("web-embedded", "EMBEDDED", "Espace client", ["CHECKINGS", "SAVINGS"]),
    ]),
    Bank("psd2", "Banque Directe", "Lyon", "FR", "psd2", True, [
        ("psd2-redirect", "REDIRECT", PAYMENT_ACCOUNTS, ["CHECKINGS", "CREDIT_CARD"]),
    ]),
    Bank("down", "Banque Panne", "Nantes", "FR", "down", False, [
        ("down-embedded", "EMBEDDED", "Espace client", ["CHECKINGS"]),
    ]),
]
# Popularity ranks of the test banks: among the most popular, so the list shows them first,
# between the big cities' banks. The generated banks take the other ranks in their order.
TEST_BANK_RANKS = {"demo": 1, "web": 3, "psd2": 5, "down": 8}


def secret_digest(secret):
    """Client secrets are long random strings, so a plain SHA-256 is the right storage."""
    return hashlib.sha256(secret.encode()).hexdigest()


def generated_banks():
    for bank in regional_banks():
        definitions = [(f"{bank.id}-embedded", "EMBEDDED", "Espace client",
                        ["CHECKINGS", "SAVINGS"])]
        if bank.has_redirect:
            # Like the big networks: payment accounts through PSD2, the rest by the web space.
            definitions = [
                (f"{bank.id}-redirect", "REDIRECT", PAYMENT_ACCOUNTS, ["CHECKINGS", "CREDIT_CARD"]),
                (f"{bank.id}-embedded", "EMBEDDED", SAVINGS_AND_LOANS, ["SAVINGS", "LOAN"]),
            ]
        yield Bank(bank.id, bank.name, bank.city, bank.country, bank.logo, True, definitions)


def catalogue():
    """Every provider to seed with its popularity rank, as (rank, Bank), most popular first."""
    generated = generated_banks()
    test_banks = {bank.id: bank for bank in TEST_BANKS}
    by_rank = {rank: test_banks[provider_id] for provider_id, rank in TEST_BANK_RANKS.items()}
    rank = 0
    for bank in generated:
        rank += 1
        while rank in by_rank:
            yield rank, by_rank.pop(rank)
            rank += 1
        yield rank, bank
    yield from sorted(by_rank.items())  # ranks past the generated ones, if any


def seed(db):
    """Insert the seeded rows; existing providers get their seeded country, rank and logo.

    Run on creation and on every upgrade, before the search index is rebuilt: a database of an
    older version thus gains the providers and the columns added since.
    """
    db.execute(
        "INSERT OR IGNORE INTO clients VALUES (?, ?, ?, ?, ?)",
        (
            DEMO_CLIENT["client_id"],
            secret_digest(DEMO_CLIENT["secret"]),
            DEMO_CLIENT["name"],
            json.dumps(DEMO_CLIENT["redirect_uris"]),
            json.dumps(DEMO_CLIENT["frame_ancestors"]),
        ),
    )
    for rank, bank in catalogue():
        db.execute(
            "INSERT INTO providers (id, name, city, sort_key, search_key, available, country,"
            " popularity_rank, logo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO"
            " UPDATE SET country = excluded.country, popularity_rank = excluded.popularity_rank,"
            " logo = excluded.logo",
            (bank.id, bank.name, bank.city, fold(bank.name), fold(f"{bank.name} {bank.city}"),
             int(bank.available), bank.country, rank, bank.logo),
        )
        for position, (definition_id, mode, label, account_types) in enumerate(bank.definitions):
            db.execute(
                "INSERT OR IGNORE INTO channel_definitions VALUES (?, ?, ?, ?, ?, ?)",
                (definition_id, bank.id, position, mode, label, json.dumps(account_types)),
            )
