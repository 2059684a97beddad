"""Idempotency-Key on the Accounts API: a repeated request gets the first one's answer."""
import pytest

from tests.sandbox.sandbox_client import database_bytes

NEW_CONNECTION = {"provider_id": "web", "channel_definition_id": "web-embedded",
                  "credentials": {"login": "otp", "password": "pw-of-the-bank"}}


def keyed(key):
    return {"Idempotency-Key": key}


def test_a_repeated_key_answers_the_first_result_and_does_nothing_more(user):
    first = user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-1"))
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-1"))
    assert again.status_code == 201 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(user.get("/connections").json) == 1
    assert user.event_names().count("CONNECTION_CREATED") == 1


def test_without_a_key_each_request_is_done(user):
    for _ in range(2):
        assert user.post("/connections", json=NEW_CONNECTION).status_code == 201
    assert len(user.get("/connections").json) == 2


def test_a_lost_answer_then_the_same_request_makes_one_connection(user):
    with pytest.raises(ConnectionResetError):
        user.post("/connections", json=NEW_CONNECTION,
                  headers={**keyed("k-lost"), "X-Sandbox-Fault": "lost"})
    again = user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-lost"))
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert [c["id"] for c in user.get("/connections").json] == [again.json["id"]]


@pytest.mark.parametrize("change", [
    {"json": {**NEW_CONNECTION, "credentials": {"login": "otp", "password": "other"}}},
    {"path": "/connections/1/channels"},
])
def test_the_same_key_for_another_request_is_422(user, change):
    user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-2"))
    response = user.post(change.get("path", "/connections"),
                         json=change.get("json", NEW_CONNECTION), headers=keyed("k-2"))
    assert response.status_code == 422 and response.json["error"] == "idempotency_key_reused"
    assert len(user.get("/connections").json) == 1


def test_json_bodies_compare_as_data(user):
    first = user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-3"))
    reordered = ('{"credentials": {"password": "pw-of-the-bank", "login": "otp"},'
                 ' "channel_definition_id": "web-embedded", "provider_id": "web"}')
    again = user.post("/connections", data=reordered, content_type="application/json",
                      headers=keyed("k-3"))
    assert again.status_code == 201 and again.json["id"] == first.json["id"]


def test_keys_belong_to_their_user(user, client, clock):
    mine = user.post("/connections", json=NEW_CONNECTION, headers=keyed("shared-key"))
    other = type(user)(client, clock)
    other.sign_in()
    theirs = other.post("/connections", json=NEW_CONNECTION, headers=keyed("shared-key"))
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json["id"] != mine.json["id"]


def test_a_refused_request_is_answered_the_same_again(user):
    wrong = {**NEW_CONNECTION, "credentials": {"login": "demo", "password": "wrong"}}
    first = user.post("/connections", json=wrong, headers=keyed("k-4"))
    assert first.status_code == 403 and first.json["error"] == "auth_failed"
    again = user.post("/connections", json=wrong, headers=keyed("k-4"))
    assert again.status_code == 403 and again.json == first.json
    assert user.event_names().count("AUTH_FAILED") == 1  # the bank was asked once


def test_a_server_error_is_not_kept(user):
    failed = user.post("/connections", json=NEW_CONNECTION,
                       headers={**keyed("k-5"), "X-Sandbox-Fault": "500"})
    assert failed.status_code == 500
    done = user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-5"))
    assert done.status_code == 201 and "Idempotent-Replayed" not in done.headers


def test_keys_are_kept_24_hours(app, sandbox_client, clock):
    app.config["SANDBOX_ACCESS_TOKEN_TTL"] = 2 * 24 * 3600  # the same token all along
    user = sandbox_client
    user.sign_in()
    first = user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-6"))
    clock.advance(24 * 3600 - 1)
    assert user.post("/connections", json=NEW_CONNECTION,
                     headers=keyed("k-6")).json["id"] == first.json["id"]
    clock.advance(1)
    later = user.post("/connections", json=NEW_CONNECTION, headers=keyed("k-6"))
    assert later.status_code == 201 and later.json["id"] != first.json["id"]


def test_a_code_exchange_repeated_under_its_key(user):
    back = user.bank_code()
    body = {"provider_id": "demo", "channel_definition_id": "demo-redirect",
            "authorization_code": back["code"],
            "redirect_uri": "http://localhost:5000/widget/callback"}
    first = user.post("/connections", json=body, headers=keyed("k-7"))
    assert first.status_code == 201
    # Without the key the spent code is refused; with it, the first answer comes back.
    assert user.post("/connections", json=body).status_code == 403
    assert user.post("/connections", json=body, headers=keyed("k-7")).json == first.json


@pytest.mark.parametrize("path, body", [
    ("/connections/{id}/channels", {"channel_definition_id": "nope"}),
    ("/connections/{id}/synchronize", None),
])
def test_other_changes_honour_the_key_too(user, path, body):
    connection = user.connect()
    user.consent_all(connection["id"])
    path = path.format(id=connection["id"])
    first = user.post(path, json=body, headers=keyed("k-8"))
    again = user.post(path, json=body, headers=keyed("k-8"))
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["", "x" * 256, "é-key", "tab\there"])
def test_a_malformed_key_is_400(user, key):
    response = user.post("/connections", json=NEW_CONNECTION, headers=keyed(key))
    assert response.status_code == 400 and response.json["error"] == "invalid_request"
    assert user.get("/connections").json == []


def test_reads_ignore_the_key(user):
    assert user.get("/connections", headers=keyed("k-9")).status_code == 200
    assert user.get("/connections", headers=keyed("k-9")).status_code == 200
    assert "Idempotent-Replayed" not in user.get("/connections", headers=keyed("k-9")).headers


def test_nothing_of_the_request_is_kept_in_clear(app, user):
    user.post("/connections", json=NEW_CONNECTION, headers=keyed("a-secret-idempotency-key"))
    stored = database_bytes(app.config["SANDBOX_DATABASE"])
    assert b"pw-of-the-bank" not in stored and b"a-secret-idempotency-key" not in stored
