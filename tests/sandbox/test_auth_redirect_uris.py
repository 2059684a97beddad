"""The sandbox Auth server's authorize endpoint reads redirect_uri the way the widget does:
dot segments cannot climb out of a registered path, and the browser goes to the normal form."""
import json

import pytest

from tests.sandbox.sandbox_client import query_of
from widget.sandbox.db import get_db
from widget.sandbox.seed import secret_digest

REGISTERED = "https://app.example.com/bank/return"
BANK_APP = ("bank-app", "bank-app-secret")


@pytest.fixture
def bank_app(app):
    """A second client, registered at REGISTERED only."""
    with app.test_request_context():
        db = get_db()
        db.execute("INSERT INTO clients VALUES (?, ?, ?, ?, ?)",
                   (BANK_APP[0], secret_digest(BANK_APP[1]), "Bank app",
                    json.dumps([REGISTERED]), json.dumps([])))
        db.commit()
    return BANK_APP


def authorize_query(redirect_uri):
    return {"response_type": "code", "client_id": BANK_APP[0], "redirect_uri": redirect_uri,
            "state": "st"}


@pytest.mark.parametrize("redirect_uri", [
    REGISTERED + "/../../evil", REGISTERED + "/%2e%2e/%2e%2e/evil", REGISTERED + "/.%2E/x/../..",
    REGISTERED + "/./../../evil", REGISTERED + "/..%2fevil", "https://app.example.com./bank/return",
])
def test_authorize_refuses_a_redirect_uri_that_climbs_out(sandbox_client, bank_app, redirect_uri):
    page = sandbox_client.http.get("/sandbox/auth/authorize",
                                   query_string=authorize_query(redirect_uri))
    assert page.status_code == 400
    assert "Location" not in page.headers


def test_authorize_sends_the_browser_to_the_normalised_redirect_uri(sandbox_client, bank_app):
    email, password = sandbox_client.create_user()
    spelled = "HTTPS://App.Example.com:443/bank/./return/x/../cb"
    back = sandbox_client.http.post("/sandbox/auth/authorize", query_string=authorize_query(spelled),
                                    data={"email": email, "password": password,
                                          "decision": "approve"})
    assert back.status_code == 302
    assert back.headers["Location"].startswith(REGISTERED + "/cb?")
    code = query_of(back.headers["Location"])["code"]
    # RFC 6749 4.1.3: the token request repeats the redirect_uri exactly as it was sent.
    token = sandbox_client.token_request(bank_app, grant_type="authorization_code", code=code,
                                         redirect_uri=spelled)
    assert token.status_code == 200, token.json


def test_a_denial_goes_to_the_normalised_redirect_uri_too(sandbox_client, bank_app):
    back = sandbox_client.http.post("/sandbox/auth/authorize",
                                    query_string=authorize_query(REGISTERED + "/%2e/cb"),
                                    data={"decision": "deny"})
    assert back.status_code == 302
    assert back.headers["Location"].startswith(REGISTERED + "/cb?")
    assert query_of(back.headers["Location"])["error"] == "access_denied"
