"""edit_credentials through Flask's test client against the sandbox: renewals, a channel added."""
import pytest
import requests

from tests.client_backend import bank_connection, connections, sandbox_user
from tests.widget_driver import at_bank, ended, events, open_widget, screen, text, to_bank


def channel_statuses(app, user, connection_id):
    return {c["channel_definition_id"]: c["status"] for c in next(
        c for c in connections(app, user) if c["id"] == connection_id)["channels"]}


def synced_until_expired(app, user, clock, provider="web", definition="web-embedded"):
    """A connection whose first sync went well and whose bank access has now expired."""
    connection_id = bank_connection(app, user, login="expired", provider=provider,
                                    definition=definition)
    requests.post(app.live_url + "/sandbox/api/v2.1/connections/%s/synchronize" % connection_id,
                  headers={"Authorization": "Bearer " + user["access_token"]}, timeout=10).close()
    clock.advance(30)
    assert channel_statuses(app, user, connection_id) == {definition: "TOKEN_EXPIRED"}
    return connection_id


def test_expired_embedded_channel_is_renewed_then_synchronised(app, client, user, clock):
    connection_id = synced_until_expired(app, user, clock)
    w, form = open_widget(client, user, "edit_credentials", query={"connection_id": connection_id})
    assert screen(form) == "credentials"  # one channel: straight to its form
    assert 'value="expired"' in text(form)  # the login is shown again
    refused = w.post("/widget/add_connection/credentials", login="demo", password="wrong")
    assert refused.status_code == 422
    assert 'value="wrong"' not in text(refused)  # a password is never written back
    syncing = w.post("/widget/add_connection/credentials", login="demo", password="new-secret")
    assert screen(syncing) == "syncing"
    clock.advance(30)
    params = ended(w.get("/widget/add_connection/wait"))
    assert params == {"result": "success", "widget": "edit_credentials", "connection_id": connection_id}
    assert channel_statuses(app, user, connection_id) == {"web-embedded": "SUCCESS"}
    names = [e["name"] for e in events(client, w.session_id)]
    assert "CONNECTION_UPDATED" in names and "SYNC_FINISHED" in names
    assert "new-secret" not in str(events(client, w.session_id))


def test_expired_redirect_channel_is_renewed_at_the_bank(app, client, user, clock):
    w, _ = open_widget(client, user, provider_id="psd2", captive_mode="false")
    first = ended(client.get(client.get(at_bank(client, to_bank(w), login="expired")).headers["Location"]))
    connection_id = first["connection_id"]
    clock.advance(30)
    assert channel_statuses(app, user, connection_id) == {"psd2-redirect": "TOKEN_EXPIRED"}
    w, notice = open_widget(client, user, "edit_credentials", query={"connection_id": connection_id})
    assert screen(notice) == "bank_notice"
    back = client.get(at_bank(client, to_bank(w), login="demo"))
    assert back.headers["Location"].endswith("connection_id=" + connection_id)
    assert screen(client.get(back.headers["Location"])) == "syncing"
    clock.advance(30)
    assert ended(w.get("/widget/add_connection/wait"))["result"] == "success"
    assert channel_statuses(app, user, connection_id) == {"psd2-redirect": "SUCCESS"}


def test_the_missing_channel_is_added(app, client, user, clock):
    connection_id = bank_connection(app, user, provider="demo", definition="demo-embedded")
    w, choice = open_widget(client, user, "edit_credentials", query={"connection_id": connection_id, "lng": "en"})
    assert screen(choice) == "edit_choice"
    assert "Add your current accounts and cards" in text(choice)
    assert "Update your online banking credentials" in text(choice)
    assert w.post("/widget/add_connection/edit_channel", channel_definition_id="psd2-redirect").status_code == 422
    assert screen(w.post("/widget/add_connection/edit_channel", channel_definition_id="demo-redirect")) == "bank_notice"
    accounts_page = client.get(client.get(at_bank(client, to_bank(w))).headers["Location"])
    assert screen(accounts_page) == "accounts"
    assert screen(w.post("/widget/add_connection/consent")) == "syncing"
    clock.advance(30)
    assert ended(w.get("/widget/add_connection/wait"))["result"] == "success"
    assert set(channel_statuses(app, user, connection_id)) == {"demo-embedded", "demo-redirect"}
    assert "CHANNEL_ADDED" in [e["name"] for e in events(client, w.session_id)]


@pytest.mark.parametrize("query, code", [
    ({}, "invalid_connection"),
    ({"connection_id": ""}, "invalid_connection"),
    ({"connection_id": "1/2"}, "invalid_connection"),
    ({"connection_id": "424242"}, "invalid_connection"),
    ({"connection_id": "{own}", "channel_definition_id": "psd2-redirect"}, "invalid_channel"),
])
def test_bad_links_end_with_an_error(app, client, user, query, code):
    own = bank_connection(app, user)
    query = {k: v.replace("{own}", own) for k, v in query.items()}
    _, opened = open_widget(client, user, "edit_credentials", query=query)
    params = ended(opened)
    assert params["result"] == "error" and params["error"] == code
    assert params["widget"] == "edit_credentials"


def test_another_users_or_a_deleted_connection_is_not_known(app, client, user):
    theirs = bank_connection(app, sandbox_user(app, accept_terms=True))
    mine = bank_connection(app, user)
    requests.delete(app.live_url + "/sandbox/api/v2.1/connections/" + mine, timeout=10,
                    headers={"Authorization": "Bearer " + user["access_token"]}).close()
    for connection_id in (theirs, mine):
        _, opened = open_widget(client, user, "edit_credentials", query={"connection_id": connection_id})
        assert ended(opened)["error"] == "invalid_connection"


def test_the_links_widget_parameters_apply(app, client, user, clock):
    connection_id = synced_until_expired(app, user, clock)
    w, form = open_widget(client, user, "edit_credentials",
                          query={"connection_id": connection_id, "captive_mode": "false", "lng": "en"})
    assert "Login" in text(form) and 'lang="en"' in text(form)
    params = ended(w.post("/widget/add_connection/credentials", login="demo", password="pw"))
    assert params == {"result": "success", "widget": "edit_credentials", "connection_id": connection_id}


def test_a_refusal_at_the_bank_during_a_renewal_ends_with_bank_denied(app, client, user, clock):
    w, _ = open_widget(client, user, provider_id="psd2", captive_mode="false")
    first = ended(client.get(client.get(at_bank(client, to_bank(w))).headers["Location"]))
    w, _ = open_widget(client, user, "edit_credentials", query={"connection_id": first["connection_id"]})
    back = client.get(at_bank(client, to_bank(w), decision="deny"))
    params = ended(client.get(back.headers["Location"]))
    assert params["result"] == "error" and params["error"] == "bank_denied"
    assert params["connection_id"] == first["connection_id"]
