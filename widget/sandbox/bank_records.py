"""What the fake banks hold: accounts and transactions, generated deterministically."""
import json
import random

from widget.sandbox import events
from widget.sandbox.scenarios import scenario_named

DAY = 86400

# Per account type: (personal name, professional name) of each usual account.
USUAL_ACCOUNTS = {
    "CHECKINGS": [("Compte courant", "Compte courant professionnel"),
                  ("Compte joint", "Compte de l'entreprise")],
    "CREDIT_CARD": [("Carte Visa Premier", "Carte Business")],
    "SAVINGS": [("Livret A", "Compte à terme professionnel"),
                ("Livret de développement durable et solidaire", "Livret d'épargne entreprise")],
    "LOAN": [("Prêt immobilier", "Prêt d'équipement professionnel")],
}

# Balance range in euros per type: loans and deferred card spending are debts.
BALANCE_RANGES = {
    "CHECKINGS": (150, 4800),
    "SAVINGS": (800, 22950),
    "LOAN": (-245000, -35000),
    "CREDIT_CARD": (-1400, -20),
}

CARD_PAYMENTS = [
    "CB CARREFOUR MARKET", "CB MONOPRIX", "CB BOULANGERIE PAUL", "CB SNCF CONNECT",
    "CB TOTALENERGIES", "CB PHARMACIE DU CENTRE", "CB FNAC", "CB DECATHLON", "CB UBER EATS",
    "CB AMAZON",
]
DEBITS = ["PRLV SEPA EDF", "PRLV SEPA FREE MOBILE", "PRLV SEPA MAIF", "RETRAIT DAB"]
INCOME = ["VIR SEPA SALAIRE", "VIR SEPA CAF", "VIR SEPA REMBOURSEMENT", "VIR INSTANTANE"]


def open_accounts(db, connection, channel, at):
    """Create the channel's accounts once it is authenticated (consented if all accounts are)."""
    if db.execute("SELECT 1 FROM accounts WHERE channel_id = ?", (channel["id"],)).fetchone():
        return
    definition = db.execute("SELECT account_types FROM channel_definitions WHERE id = ?",
                            (channel["channel_definition_id"],)).fetchone()
    plan = plan_accounts(json.loads(definition["account_types"]),
                         scenario_named(channel["scenario"]))
    status = "ACTIVE" if connection["consent_all"] else "PENDING_CONSENT"
    for index, (name, account_type, usage) in enumerate(plan):
        balance_cents, iban_last4 = account_figures(channel["id"], index, account_type)
        db.execute(
            "INSERT INTO accounts (connection_id, channel_id, name, type, status, usage,"
            " balance_cents, iban_last4) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (connection["id"], channel["id"], name, account_type, status, usage, balance_cents,
             iban_last4),
        )
    events.record(db, connection["user_id"], "ACCOUNTS_UPDATED", at, connection["id"],
                  channel["id"], {"accounts": len(plan)})


def record_transactions(db, channel_id, synced_at):
    """Fill each consented account's history once, on its first successful sync."""
    for account in db.execute(
        "SELECT * FROM accounts WHERE channel_id = ? AND status = 'ACTIVE' AND NOT EXISTS"
        " (SELECT 1 FROM transactions WHERE account_id = accounts.id)", (channel_id,)
    ).fetchall():
        db.executemany(
            "INSERT INTO transactions (account_id, date, label, amount_cents) VALUES (?, ?, ?, ?)",
            [(account["id"], *row) for row in generated_transactions(
                account["id"], account["type"], synced_at)],
        )


def plan_accounts(account_types, scenario):
    """(name, type, usage) of each account a channel of these types holds in this scenario."""
    usual = [(names, account_type) for account_type in account_types
             for names in USUAL_ACCOUNTS[account_type]]
    count = scenario.account_count or len(usual)
    plan = []
    for index in range(count):
        (personal, professional), account_type = usual[index % len(usual)]
        pro = index < scenario.professional_accounts
        name = professional if pro else personal
        if index >= len(usual):  # the `many` scenario: number the repeated products
            name = f"{name} n°{index // len(usual) + 1}"
        plan.append((name, account_type, "PROFESSIONAL" if pro else "PERSONAL"))
    return plan


def account_figures(channel_id, index, account_type):
    """(balance in cents, last four IBAN digits or None) for an account, always the same."""
    rng = random.Random(f"account:{channel_id}:{index}")
    low, high = BALANCE_RANGES[account_type]
    balance_cents = rng.randint(low * 100, high * 100)
    # Cards and loans have no IBAN of their own.
    has_iban = account_type in ("CHECKINGS", "SAVINGS")
    return balance_cents, f"{rng.randint(0, 9999):04d}" if has_iban else None


def generated_transactions(account_id, account_type, synced_at):
    """(date, label, amount in cents) of the account's last 90 days, newest first."""
    rng = random.Random(f"transactions:{account_id}")
    count = rng.randint(4, 8) if account_type in ("SAVINGS", "LOAN") else rng.randint(20, 40)
    rows = []
    for _ in range(count):
        date = synced_at - rng.randint(0, 89) * DAY - rng.randint(0, DAY - 1)
        label, amount_cents = _transaction(rng, account_type)
        rows.append((date, label, amount_cents))
    rows.sort(reverse=True)
    return rows


def _transaction(rng, account_type):
    if account_type == "SAVINGS":
        if rng.random() < 0.8:
            return "VERSEMENT EPARGNE", rng.randint(20, 300) * 100
        return "INTERETS CREDITEURS", rng.randint(100, 9000)
    if account_type == "LOAN":
        return "ECHEANCE PRET", -rng.randint(60000, 180000)
    if account_type == "CREDIT_CARD":
        return rng.choice(CARD_PAYMENTS), -rng.randint(300, 18000)
    if rng.random() < 0.15:
        return rng.choice(INCOME), rng.randint(5000, 320000)
    return rng.choice(CARD_PAYMENTS + DEBITS), -rng.randint(150, 25000)
