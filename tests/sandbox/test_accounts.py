"""Accounts, consents, professional usage, transactions and the event queue."""
import re

from widget.sandbox.bank_records import generated_transactions

IBAN = re.compile(r"^FR76 \*\*\*\* \*\*\*\* \d{4}$")


def test_account_shape(user):
    cid = user.connect()["id"]
    checking = user.accounts(cid)[0]
    assert checking["connection_id"] == cid
    assert checking["name"] == "Compte courant"
    assert checking["currency"] == "EUR"
    assert checking["usage"] == "PERSONAL"
    assert isinstance(checking["balance"], float)
    assert IBAN.match(checking["iban"])
    assert user.get(f"/accounts/{checking['id']}").json == checking
    assert user.get("/accounts/999999").status_code == 404


def test_cards_and_loans_have_no_iban_and_a_debt(user):
    cid = user.connect(provider="demo", definition="demo-embedded")["id"]
    loan = [a for a in user.accounts(cid) if a["type"] == "LOAN"][0]
    assert loan["iban"] is None
    assert loan["balance"] < 0


def test_consent_is_exactly_the_given_set(user):
    cid = user.connect()["id"]
    ids = [a["id"] for a in user.accounts(cid)]
    response = user.put(f"/connections/{cid}/consents", json={"account_ids": ids[:2]})
    assert response.status_code == 200
    assert [a["status"] for a in response.json] == ["ACTIVE", "ACTIVE", "PENDING_CONSENT",
                                                    "PENDING_CONSENT"]
    response = user.put(f"/connections/{cid}/consents", json={"account_ids": [ids[3]]})
    assert [a["status"] for a in response.json] == ["PENDING_CONSENT"] * 3 + ["ACTIVE"]
    response = user.put(f"/connections/{cid}/consents", json={"account_ids": []})
    assert {a["status"] for a in response.json} == {"PENDING_CONSENT"}


def test_consent_validation(user):
    cid = user.connect()["id"]
    other_cid = user.connect()["id"]
    foreign = user.accounts(other_cid)[0]["id"]
    assert user.put(f"/connections/{cid}/consents", json={}).status_code == 400
    assert user.put(f"/connections/{cid}/consents",
                    json={"all_accounts": False}).status_code == 400
    assert user.put(f"/connections/{cid}/consents",
                    json={"account_ids": "x"}).status_code == 400
    assert user.put(f"/connections/{cid}/consents",
                    json={"account_ids": [foreign]}).status_code == 404


def test_all_accounts_covers_accounts_found_later(user):
    connection = user.connect(provider="demo", definition="demo-embedded")
    cid = connection["id"]
    statuses = [a["status"] for a in user.consent_all(cid)]
    assert statuses == ["ACTIVE"] * 3
    query = user.bank_code()
    user.post(f"/connections/{cid}/channels", json={
        "channel_definition_id": "demo-redirect", "authorization_code": query["code"],
        "redirect_uri": "http://localhost:5000/widget/callback"})
    assert {a["status"] for a in user.accounts(cid)} == {"ACTIVE"}
    assert len(user.accounts(cid)) == 6


def test_sync_covers_consented_accounts_only(user, clock):
    cid = user.connect()["id"]
    ids = [a["id"] for a in user.accounts(cid)]
    user.put(f"/connections/{cid}/consents", json={"account_ids": ids[:1]})
    user.sync(cid)
    clock.advance(3)
    assert user.connection(cid)["sync"]["accounts_retrieved"] == 1
    assert user.get(f"/transactions?account_id={ids[0]}").json
    assert user.get(f"/transactions?account_id={ids[1]}").json == []


def test_transactions_after_a_successful_sync(user, clock):
    cid = user.connect()["id"]
    user.consent_all(cid)
    account_id = user.accounts(cid)[0]["id"]
    assert user.get(f"/transactions?account_id={account_id}").json == []
    user.sync(cid)
    clock.advance(3)
    response = user.get(f"/transactions?account_id={account_id}&limit=5")
    assert response.status_code == 200
    total = int(response.headers["X-Total-Count"])
    assert total >= 20
    transactions = response.json
    assert len(transactions) == 5
    assert {t["account_id"] for t in transactions} == {account_id}
    assert {t["currency"] for t in transactions} == {"EUR"}
    dates = [t["date"] for t in transactions]
    assert dates == sorted(dates, reverse=True)
    assert all(t["label"] and isinstance(t["amount"], float) for t in transactions)
    rest = user.get(f"/transactions?account_id={account_id}&limit=500&offset=5").json
    assert len(rest) == total - 5
    # A second sync does not duplicate the history.
    user.sync(cid)
    clock.advance(3)
    again = user.get(f"/transactions?account_id={account_id}&limit=500")
    assert again.headers["X-Total-Count"] == str(total)
    # Without a filter: every consented account's transactions.
    everything = user.get("/transactions?limit=500")
    assert int(everything.headers["X-Total-Count"]) > total


def test_transactions_are_generated_deterministically(user, clock):
    cid = user.connect()["id"]
    user.consent_all(cid)
    user.sync(cid)
    clock.advance(3)
    account_id = user.accounts(cid)[0]["id"]
    first = user.get(f"/transactions?account_id={account_id}&limit=500").json
    expected = generated_transactions(int(account_id), "CHECKINGS", clock())
    assert [(t["label"], round(t["amount"] * 100)) for t in first] == [
        (label, cents) for _, label, cents in expected]


def test_withdrawn_consent_hides_transactions(user, clock):
    cid = user.connect()["id"]
    user.consent_all(cid)
    user.sync(cid)
    clock.advance(3)
    account_id = user.accounts(cid)[0]["id"]
    user.put(f"/connections/{cid}/consents", json={"account_ids": []})
    assert user.get(f"/transactions?account_id={account_id}").json == []


def test_professional_usage(user):
    cid = user.connect()["id"]
    account_id = user.accounts(cid)[0]["id"]
    response = user.put(f"/accounts/{account_id}", json={
        "usage": "PROFESSIONAL", "company_name": "Atelier Dupont", "siren": "732 829 320"})
    assert response.status_code == 200
    assert response.json["usage"] == "PROFESSIONAL"
    assert response.json["company_name"] == "Atelier Dupont"
    assert response.json["siren"] == "732829320"
    back = user.put(f"/accounts/{account_id}", json={"usage": "PERSONAL"})
    assert (back.json["usage"], back.json["company_name"], back.json["siren"]) == (
        "PERSONAL", None, None)


def test_professional_usage_validation(user):
    account_id = user.accounts(user.connect()["id"])[0]["id"]
    for body in ({"usage": "BUSINESS"}, {"usage": "PROFESSIONAL", "siren": "732829321"},
                 {"usage": "PROFESSIONAL", "siren": "12345"},
                 {"usage": "PROFESSIONAL", "company_name": 7}):
        response = user.put(f"/accounts/{account_id}", json=body)
        assert response.status_code == 400, body
    assert user.put(f"/accounts/{account_id}", data=b"[",
                    headers={"Content-Type": "application/json"}).status_code == 400


def test_event_queue_with_after_and_limit(user, clock):
    cid = user.connect()["id"]
    user.consent_all(cid)
    user.sync(cid)
    clock.advance(3)
    events = user.get("/events")
    assert events.status_code == 200
    every = events.json
    assert events.headers["X-Total-Count"] == str(len(every))
    ids = [int(e["id"]) for e in every]
    assert ids == sorted(ids)
    assert {e["connection_id"] for e in every} == {cid}
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", e["date"]) for e in every)
    after = user.get(f"/events?after={every[2]['id']}").json
    assert after == every[3:]
    page = user.get(f"/events?after={every[2]['id']}&limit=2")
    assert page.json == every[3:5]
    assert page.headers["X-Total-Count"] == str(len(every) - 3)
    assert user.get(f"/events?after={every[-1]['id']}").json == []
    assert user.get("/events?after=abc").status_code == 400
