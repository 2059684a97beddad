"""Users and terms: creation by a Client, the profile, and the terms gate."""


def test_create_user(sandbox_client):
    response = sandbox_client.post("/users", token=sandbox_client.client_token(),
                                   json={"email": "Ada@Example.com", "password": "pw"})
    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"] == f"/users/{body['id']}"
    assert body["email"] == "ada@example.com"
    assert body["creation_date"].endswith("Z")
    assert "password" not in body


def test_duplicate_email_is_a_conflict(sandbox_client):
    token = sandbox_client.client_token()
    sandbox_client.post("/users", token=token, json={"email": "a@example.com", "password": "x"})
    response = sandbox_client.post("/users", token=token,
                                   json={"email": "A@example.com", "password": "y"})
    assert response.status_code == 409
    assert response.json["error"] == "conflict"


def test_creating_users_needs_the_users_create_scope(sandbox_client):
    sandbox_client.sign_in()
    response = sandbox_client.post("/users", json={"email": "b@example.com", "password": "x"})
    assert response.status_code == 403
    assert response.json["error"] == "insufficient_scope"


def test_create_user_validates_its_body(sandbox_client):
    token = sandbox_client.client_token()
    for body in ({"email": "nope", "password": "x"}, {"email": "c@example.com"},
                 {"email": "c@example.com", "password": 5}, ["c@example.com"]):
        response = sandbox_client.post("/users", token=token, json=body)
        assert response.status_code == 400, body
        assert response.json["error"] == "invalid_request"


def test_malformed_json_is_a_400_not_a_500(sandbox_client):
    token = sandbox_client.client_token()
    response = sandbox_client.post("/users", token=token, data=b'{"email": ',
                                   headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"


def test_client_token_is_not_a_user_token(sandbox_client):
    token = sandbox_client.client_token()
    response = sandbox_client.get("/providers", token=token)
    assert response.status_code == 403
    assert response.json["error"] == "forbidden"
    response = sandbox_client.get("/users/me", token=token)
    assert response.status_code == 403
    assert response.json["error"] == "insufficient_scope"


def test_terms_gate_until_accepted(sandbox_client):
    sandbox_client.sign_in(accept_terms=False)
    me = sandbox_client.get("/users/me")
    assert me.status_code == 200
    assert me.json["terms_accepted_version"] is None
    for path in ("/providers", "/connections", "/accounts", "/events", "/transactions"):
        response = sandbox_client.get(path)
        assert response.status_code == 401, path
        assert response.json["error"] == "action_required"
        assert response.json["action"] == "ACCEPT_TERMS"
    terms = sandbox_client.get("/terms?locale=en")
    assert terms.status_code == 200
    assert terms.json["version"] == "2026-01"
    wrong = sandbox_client.post("/users/me/terms", json={"version": "2025-01"})
    assert wrong.status_code == 409
    accepted = sandbox_client.post("/users/me/terms", json={"version": "2026-01"})
    assert accepted.status_code == 200
    assert accepted.json["version"] == "2026-01"
    assert accepted.json["accepted_at"].endswith("Z")
    assert sandbox_client.get("/providers").status_code == 200
    assert sandbox_client.get("/users/me").json["terms_accepted_version"] == "2026-01"


def test_terms_in_both_languages(user):
    french = user.get("/terms").json
    english = user.get("/terms?locale=en").json
    assert french["version"] == english["version"]
    assert "Passerelle Sandbox" in french["content"] and "Passerelle Sandbox" in english["content"]
    assert "prestataire de services d'information sur les comptes" in french["content"]
    assert "account information service provider" in english["content"]
    assert len(english["content"].split("\n\n")) >= 4
    assert french["title"] != english["title"]


def test_terms_in_spanish_and_french_for_an_unknown_locale(user):
    spanish = user.get("/terms?locale=es").json
    assert spanish["title"] == "Condiciones de uso de Passerelle Sandbox"
    assert "proveedor de servicios de información sobre cuentas" in spanish["content"]
    assert spanish["version"] == user.get("/terms").json["version"]
    assert user.get("/terms?locale=ja").json == user.get("/terms?locale=fr").json


def test_accepting_terms_needs_a_version(user):
    response = user.post("/users/me/terms", json={})
    assert response.status_code == 400
