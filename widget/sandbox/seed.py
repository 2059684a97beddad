"""The seeded data: the demo client, the four test banks and the generated regional banks."""
import hashlib
import json

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

# (id, name, city, available, [(definition id, mode, name, account types)])
TEST_BANKS = [
    ("demo", "Banque Démo", "Paris", True, [
        ("demo-redirect", "REDIRECT", PAYMENT_ACCOUNTS, ["CHECKINGS", "CREDIT_CARD"]),
        ("demo-embedded", "EMBEDDED", SAVINGS_AND_LOANS, ["SAVINGS", "LOAN"]),
    ]),
    ("web", "Banque en Ligne", "Lille", True, [
        ("web-embedded", "EMBEDDED", "Espace client", ["CHECKINGS", "SAVINGS"]),
    ]),
    ("psd2", "Banque Directe", "Lyon", True, [
        ("psd2-redirect", "REDIRECT", PAYMENT_ACCOUNTS, ["CHECKINGS", "CREDIT_CARD"]),
    ]),
    ("down", "Banque Panne", "Nantes", False, [
        ("down-embedded", "EMBEDDED", "Espace client", ["CHECKINGS"]),
    ]),
]


def secret_digest(secret):
    """Client secrets are long random strings, so a plain SHA-256 is the right storage."""
    return hashlib.sha256(secret.encode()).hexdigest()


def catalogue():
    """Every provider to seed, test banks first."""
    yield from TEST_BANKS
    for provider_id, name, city, has_redirect in regional_banks():
        definitions = [(f"{provider_id}-embedded", "EMBEDDED", "Espace client",
                        ["CHECKINGS", "SAVINGS"])]
        if has_redirect:
            # Like the big networks: payment accounts through PSD2, the rest by the web space.
            definitions = [
                (f"{provider_id}-redirect", "REDIRECT", PAYMENT_ACCOUNTS,
                 ["CHECKINGS", "CREDIT_CARD"]),
                (f"{provider_id}-embedded", "EMBEDDED", SAVINGS_AND_LOANS, ["SAVINGS", "LOAN"]),
            ]
        yield provider_id, name, city, True, definitions


def seed(db):
    """Insert the seeded rows; existing ones are left as they are."""
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
    for provider_id, name, city, available, definitions in catalogue():
        db.execute(
            "INSERT OR IGNORE INTO providers (id, name, city, sort_key, search_key, available)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (provider_id, name, city, fold(name), fold(f"{name} {city}"), int(available)),
        )
        for position, (definition_id, mode, label, account_types) in enumerate(definitions):
            db.execute(
                "INSERT OR IGNORE INTO channel_definitions VALUES (?, ?, ?, ?, ?, ?)",
                (definition_id, provider_id, position, mode, label, json.dumps(account_types)),
            )
