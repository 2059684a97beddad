"""professional-account and manage_accounts, through Flask's test client against the sandbox."""
import pytest
import requests

from tests.client_backend import accounts, bank_connection, sandbox_user
from tests.widget_driver import (RETURN, Widget, create_session, ended, events, expire_session,
                                 open_widget, screen, text)

SIREN = "732829320"  # nine digits, Luhn-valid


# --- Opening either widget with a bad connection_id --------------------------------------------
@pytest.mark.parametrize("widget", ["professional-account", "manage_accounts"])
@pytest.mark.parametrize("connection_id", ["", "../1", "x" * 65, "9999", "a b"])
def test_a_bad_connection_id_ends_with_invalid_connection(client, user, widget, connection_id):
    _, opened = open_widget(client, user, widget, query={"connection_id": connection_id})
    params = ended(opened)
    assert params["result"] == "error" and params["error"] == "invalid_connection"
    assert params["widget"] == widget.replace("-", "_")


def test_an_expired_sessions_link_names_the_widget_as_the_results_do(app, client, user):
    """Its URL spells it professional-account; the result names it professional_account."""
    created = create_session(client, user, redirect_url=RETURN)
    w = Widget(client, created.get_json()["session_id"])
    expire_session(app, w.session_id)  # before the widget ever opened
    params = ended(w.get("/widget/professional-account"))
    assert params["result"] == "expired" and params["widget"] == "professional_account"


def test_manage_accounts_needs_a_connection_id(client, user):
    _, opened = open_widget(client, user, "manage_accounts")
    assert ended(opened)["error"] == "invalid_connection"


def test_another_users_connection_is_not_known(app, client, user):
    theirs = bank_connection(app, sandbox_user(app, accept_terms=True))
    for widget in ("professional-account", "manage_accounts"):
        _, opened = open_widget(client, user, widget, query={"connection_id": theirs})
        assert ended(opened)["error"] == "invalid_connection"


def test_a_deleted_connection_is_not_known(app, client, user):
    connection_id = bank_connection(app, user)
    requests.delete(app.live_url + "/sandbox/api/v2.1/connections/" + connection_id, timeout=10,
                    headers={"Authorization": "Bearer " + user["access_token"]}).close()
    _, opened = open_widget(client, user, "manage_accounts", query={"connection_id": connection_id})
    assert ended(opened)["error"] == "invalid_connection"


# --- professional-account ----------------------------------------------------------------------
def test_a_stale_steps_way_back_resumes_the_run_where_it_stands(app, client, user):
    """The link back names the session only: widget URL spellings and connection_id play no part."""
    connection_id = bank_connection(app, user, login="pro")
    w, opened = open_widget(client, user, "professional-account", query={"connection_id": connection_id})
    stale = w.post("/widget/manage_accounts/confirm")  # a step of another widget
    assert stale.status_code == 409 and screen(stale) == "stale"
    back = f'href="/widget/resume?session_id={w.session_id}"'
    assert back in text(stale)
    again = w.get("/widget/resume")
    assert again.status_code == 200 and screen(again) == "professional_accounts"


def test_professional_accounts_are_saved_with_their_company(app, client, user):
    connection_id = bank_connection(app, user, login="pro")
    w, opened = open_widget(client, user, "professional-account", query={"connection_id": connection_id})
    assert screen(opened) == "professional_accounts" and "Comptes professionnels" in text(opened)
    listed = accounts(app, user, connection_id)
    first, second = listed[0]["id"], listed[1]["id"]
    done = w.post("/widget/professional-account/save", professional=first,
                  **{"company_name-" + first: "  Boulangerie Dupont ", "siren-" + first: "732 829 320"})
    params = ended(done)
    assert params["result"] == "success" and params["connection_id"] == connection_id
    saved = {a["id"]: a for a in accounts(app, user, connection_id)}
    assert saved[first]["usage"] == "PROFESSIONAL" and saved[first]["siren"] == SIREN
    assert saved[first]["company_name"] == "Boulangerie Dupont"
    assert saved[second]["usage"] == "PERSONAL"  # the sandbox's `pro` account, unticked
    names = [e["name"] for e in events(client, w.session_id)]
    assert "PROFESSIONAL_ACCOUNTS_SAVED" in names and names[-2:] == ["REDIRECT", "SESSION_FINISHED"]


@pytest.mark.parametrize("company, siren, field, message", [
    ("Dupont", "73282932", "siren", "A SIREN number has exactly 9 digits."),
    ("Dupont", "73282932O", "siren", "A SIREN number has exactly 9 digits."),
    ("Dupont", "abcdefghi", "siren", "A SIREN number has exactly 9 digits."),
    ("Dupont", "732829321", "siren", "This SIREN number is not valid: check the digits."),
    ("Dupont", "", "siren", "Enter the SIREN number."),
    ("", SIREN, "company", "Enter the company's name."),
    ("x" * 500, SIREN, "company", "The company's name must be 100 characters or fewer."),
])
def test_company_fields_are_checked_next_to_the_field(app, client, user, company, siren, field, message):
    connection_id = bank_connection(app, user)
    w, _ = open_widget(client, user, "professional-account", query={"lng": "en"})
    account_id = accounts(app, user, connection_id)[0]["id"]
    page = w.post("/widget/professional-account/save", professional=account_id,
                  **{"company_name-" + account_id: company, "siren-" + account_id: siren})
    assert page.status_code == 422 and screen(page) == "professional_accounts"
    body = text(page)
    assert message in body and 'id="%s-1-error"' % field in body
    assert 'aria-invalid="true"' in body and ('value="%s"' % siren) in body  # nothing typed is lost
    assert accounts(app, user, connection_id)[0]["usage"] == "PERSONAL"


def test_french_field_error(app, client, user):
    connection_id = bank_connection(app, user)
    w, _ = open_widget(client, user, "professional-account")
    account_id = accounts(app, user, connection_id)[0]["id"]
    page = w.post("/widget/professional-account/save", professional=account_id,
                  **{"company_name-" + account_id: "Dupont", "siren-" + account_id: "123456789"})
    assert "Ce numéro SIREN n'est pas valide" in text(page)


def test_an_account_of_someone_else_cannot_be_ticked(app, client, user):
    bank_connection(app, user)
    w, _ = open_widget(client, user, "professional-account")
    page = w.post("/widget/professional-account/save", professional="999999")
    assert page.status_code == 422 and "ne correspond pas" in text(page)


# --- manage_accounts ----------------------------------------------------------------------------
def test_manage_accounts_says_what_changes_then_saves_and_syncs(app, client, user):
    connection_id = bank_connection(app, user)
    keep, *drop = [a["id"] for a in accounts(app, user, connection_id)]
    w, opened = open_widget(client, user, "manage_accounts", query={"connection_id": connection_id})
    assert screen(opened) == "manage_accounts" and text(opened).count("checked") >= 2
    review = w.post("/widget/manage_accounts/review", account_id=keep)
    assert screen(review) == "manage_accounts_review"
    body = text(review)
    assert "Vous allez cesser de partager" in body and "Vous allez partager" not in body
    assert {a["status"] for a in accounts(app, user, connection_id)} == {"ACTIVE"}  # not yet
    changed = w.post("/widget/manage_accounts/change")
    assert screen(changed) == "manage_accounts"
    assert text(changed).count("checked") == 1  # the choice made, not the saved one
    w.post("/widget/manage_accounts/review", account_id=keep)
    params = ended(w.post("/widget/manage_accounts/confirm"))
    assert params["result"] == "success" and params["connection_id"] == connection_id
    statuses = {a["id"]: a["status"] for a in accounts(app, user, connection_id)}
    assert statuses == {keep: "ACTIVE", **{d: "PENDING_CONSENT" for d in drop}}
    names = [e["name"] for e in events(client, w.session_id)]
    assert names[-4:] == ["ACCOUNTS_UPDATED", "SYNC_STARTED", "REDIRECT",
                          "SESSION_FINISHED"]


@pytest.mark.parametrize("posted, message", [
    ([], "Choose at least one account."),
    (["999999"], "This choice does not match the accounts of this connection."),
])
def test_manage_accounts_bad_choices(app, client, user, posted, message):
    connection_id = bank_connection(app, user)
    other = bank_connection(app, user)
    foreign = accounts(app, user, other)[0]["id"]
    w, _ = open_widget(client, user, "manage_accounts", query={"connection_id": connection_id, "lng": "en"})
    page = w.post("/widget/manage_accounts/review", account_id=[p if p != "999999" else foreign for p in posted])
    assert page.status_code == 422 and message in text(page)
    assert {a["status"] for a in accounts(app, user, connection_id)} == {"ACTIVE"}


def test_manage_accounts_steps_out_of_order_show_where_the_run_stands(app, client, user):
    connection_id = bank_connection(app, user)
    w, _ = open_widget(client, user, "manage_accounts", query={"connection_id": connection_id})
    assert screen(w.post("/widget/manage_accounts/confirm")) == "manage_accounts"
    assert w.post("/widget/professional-account/save").status_code == 409


@pytest.mark.parametrize("widget, query, then", [
    ("professional-account", {}, "professional_accounts"),
    ("manage_accounts", {"connection_id": "77"}, "invalid_connection"),
    ("edit_credentials", {"connection_id": "77"}, "invalid_connection"),
    ("user_input", {"connection_id": "77"}, "invalid_connection"),
])
def test_every_widget_shows_the_terms_first(client, new_user, widget, query, then):
    w, page = open_widget(client, new_user, widget, query=query)
    assert screen(page) == "terms"
    after = w.post("/widget/terms/accept")
    if then == "invalid_connection":
        assert ended(after)["error"] == "invalid_connection"
    else:
        assert screen(after) == then
    names = [e["name"] for e in events(client, w.session_id)]
    assert names[:3] == ["OPEN", "TERMS_SHOWN", "TERMS_ACCEPTED"]
