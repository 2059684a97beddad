"""Duplicate prevention over HTTP against the sandbox (issue 13, part 5): picking a bank the
user is connected to offers to update that connection (the default) or, with
allow_duplicates, to add another; with and without htmx."""
from tests.client_backend import bank_connection, connections
from tests.widget_driver import (
    RETURN, create_session, ended, events, open_widget, page_text, returned, screen, text,
)

SELECT = "/widget/add_connection/provider"
DUPLICATE = "/widget/add_connection/duplicate"
HTMX = {"HX-Request": "true"}


def test_the_user_updates_the_existing_connection_and_the_ending_names_it(app, client, user,
                                                                          clock):
    existing = bank_connection(app, user, login="demo")
    w, _ = open_widget(client, user)
    page = w.post(SELECT, provider_id="web")
    assert page.status_code == 200 and screen(page) == "duplicate"
    shown = page_text(page)
    assert "Vous êtes déjà connecté à Banque en Ligne" in shown
    assert "Mettre à jour ma connexion" in shown and 'value="add"' not in shown
    assert "Choisir une autre banque" in shown or "/widget/add_connection/back" in shown
    assert w.post(DUPLICATE, choice="add").status_code == 422  # not offered, not done
    form = w.post(DUPLICATE, choice="update")
    assert screen(form) == "credentials" and 'value="demo"' in text(form)  # the login again
    syncing = w.post("/widget/add_connection/credentials", login="demo", password="new-secret")
    assert screen(syncing) == "syncing"
    clock.advance(30)
    params = ended(w.get("/widget/add_connection/wait"))
    assert params["result"] == "success" and params["connection_id"] == existing
    assert len(connections(app, user)) == 1
    tracked = events(client, w.session_id)
    updated = [e for e in tracked if e["name"] == "CONNECTION_UPDATED"]
    assert updated and updated[0]["data"]["connection_id"] == existing
    assert "CONNECTION_CREATED" not in [e["name"] for e in tracked]
    assert "new-secret" not in str(tracked)


def test_a_link_allowing_duplicates_lets_the_user_add_another(app, client, user, clock):
    existing = bank_connection(app, user, login="demo")
    w, _ = open_widget(client, user, query={"allow_duplicates": "true"})
    page = w.post(SELECT, provider_id="web", htmx=True)  # a fragment for htmx
    assert screen(page) == "duplicate" and "<html" not in text(page)
    assert "Ajouter quand même une autre connexion" in page_text(page)
    form = w.post(DUPLICATE, choice="add", htmx=True)
    assert screen(form) == "credentials"
    assert screen(w.post("/widget/add_connection/credentials", login="demo",
                         password="pw")) == "accounts"
    ids = [c["id"] for c in connections(app, user)]
    assert len(ids) == 2 and existing in ids


def test_the_session_option_allows_duplicates_and_a_preselected_bank_asks_too(app, client,
                                                                              user):
    bank_connection(app, user, login="demo")
    w, page = open_widget(client, user, provider_id="web", allow_duplicates="1")
    assert screen(page) == "duplicate" and 'value="add"' in text(page)
    assert "/widget/add_connection/back" not in text(page)  # the run is about that bank only
    assert screen(w.get("/widget/add_connection")) == "duplicate"  # reopened: the same screen


def test_a_bad_allow_duplicates_is_refused_at_creation(client, user):
    refused = create_session(client, user, redirect_url=RETURN,
                             allow_duplicates="maybe")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "invalid_request"
    assert "allow_duplicates" in refused.get_json()["error_description"]


def test_a_bad_allow_duplicates_in_the_link_ends_with_invalid_request(client, user):
    created = create_session(client, user, redirect_url=RETURN)
    page = client.get("/widget/add_connection", query_string={
        "session_id": created.get_json()["session_id"], "allow_duplicates": "maybe"})
    assert returned(page)["error"] == "invalid_request"


def test_a_choice_out_of_step_or_unknown_is_never_a_failure(app, client, user):
    bank_connection(app, user, login="demo")
    w, _ = open_widget(client, user)
    assert screen(w.post(DUPLICATE, choice="update")) == "providers"  # not asked yet
    w.post(SELECT, provider_id="web")
    assert w.post(DUPLICATE, choice="x" * 500).status_code == 422
    assert screen(w.post("/widget/add_connection/back")) == "providers"


def test_a_bank_without_a_connection_goes_straight_on(app, client, user):
    bank_connection(app, user, login="demo")
    w, _ = open_widget(client, user)
    assert screen(w.post(SELECT, provider_id="demo")) in ("channel_choice", "bank_notice")
