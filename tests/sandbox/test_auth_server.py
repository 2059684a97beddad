"""The sandbox Auth server: the four grants, client authentication, rotation and expiry."""
from tests.sandbox.sandbox_client import DEMO_CLIENT, TOKEN_URL, database_bytes, query_of

USER_SCOPES = "profile accounts_manage connections_manage connections_sync transactions_read"


def test_client_credentials_with_basic_auth(sandbox_client):
    response = sandbox_client.token_request(grant_type="client_credentials")
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "users_create"
    assert "refresh_token" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_client_credentials_with_credentials_in_the_body(client):
    response = client.post(TOKEN_URL, data={
        "grant_type": "client_credentials", "client_id": "demo-client",
        "client_secret": "demo-secret",
    })
    assert response.status_code == 200
    assert response.json["scope"] == "users_create"


def test_client_token_cannot_get_user_scopes(sandbox_client):
    response = sandbox_client.token_request(grant_type="client_credentials", scope="profile")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_scope"


def test_unknown_scope_is_refused(sandbox_client):
    response = sandbox_client.token_request(grant_type="client_credentials", scope="admin")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_scope"


def test_wrong_client_secret_is_invalid_client(sandbox_client):
    response = sandbox_client.token_request(("demo-client", "nope"),
                                            grant_type="client_credentials")
    assert response.status_code == 401
    assert response.json["error"] == "invalid_client"


def test_unknown_client_in_the_body_is_invalid_client_401(client):
    response = client.post(TOKEN_URL, data={
        "grant_type": "client_credentials", "client_id": "ghost", "client_secret": "x",
    })
    assert response.status_code == 401
    assert response.json["error"] == "invalid_client"


def test_unsupported_grant_type(sandbox_client):
    response = sandbox_client.token_request(grant_type="implicit")
    assert response.status_code == 400
    assert response.json["error"] == "unsupported_grant_type"


def test_password_grant_gives_user_scopes_and_a_refresh_token(sandbox_client):
    email, password = sandbox_client.create_user()
    response = sandbox_client.token_request(grant_type="password", username=email.upper(),
                                            password=password)
    assert response.status_code == 200
    assert response.json["scope"] == USER_SCOPES
    assert response.json["refresh_token"]


def test_password_grant_can_narrow_the_scope(sandbox_client):
    email, password = sandbox_client.create_user()
    response = sandbox_client.token_request(grant_type="password", username=email,
                                            password=password, scope="profile")
    assert response.json["scope"] == "profile"


def test_password_grant_with_a_wrong_password(sandbox_client):
    email, _ = sandbox_client.create_user()
    response = sandbox_client.token_request(grant_type="password", username=email,
                                            password="wrong")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_grant"


def test_password_grant_with_an_unknown_user(sandbox_client):
    response = sandbox_client.token_request(grant_type="password", username="who@example.com",
                                            password="x")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_grant"


def test_password_grant_needs_the_client(sandbox_client):
    email, password = sandbox_client.create_user()
    response = sandbox_client.token_request(("demo-client", "bad"), grant_type="password",
                                            username=email, password=password)
    assert response.status_code == 401
    assert response.json["error"] == "invalid_client"


def test_refresh_rotates_and_revokes_the_old_pair(sandbox_client):
    first = sandbox_client.sign_in()
    response = sandbox_client.token_request(grant_type="refresh_token",
                                            refresh_token=first["refresh_token"])
    assert response.status_code == 200
    second = response.json
    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == USER_SCOPES
    # The old refresh token and the access token issued with it are both revoked (once the
    # reuse interval for a client that lost the answer is over).
    sandbox_client.clock.advance(60)
    again = sandbox_client.token_request(grant_type="refresh_token",
                                         refresh_token=first["refresh_token"])
    assert again.status_code == 400
    assert again.json["error"] == "invalid_grant"
    assert sandbox_client.get("/users/me", token=first["access_token"]).status_code == 401
    assert sandbox_client.get("/users/me", token=second["access_token"]).status_code == 200
    # The new refresh token works once more.
    third = sandbox_client.token_request(grant_type="refresh_token",
                                         refresh_token=second["refresh_token"])
    assert third.status_code == 200


def test_refresh_token_of_another_client_or_bad_secret(sandbox_client):
    first = sandbox_client.sign_in()
    response = sandbox_client.token_request(("demo-client", "bad"), grant_type="refresh_token",
                                            refresh_token=first["refresh_token"])
    assert response.status_code == 401
    # A failed attempt does not burn the refresh token.
    response = sandbox_client.token_request(grant_type="refresh_token",
                                            refresh_token=first["refresh_token"])
    assert response.status_code == 200


def test_access_token_expires_with_the_clock(sandbox_client, clock):
    sandbox_client.sign_in()
    assert sandbox_client.get("/users/me").status_code == 200
    clock.advance(3599)
    assert sandbox_client.get("/users/me").status_code == 200
    clock.advance(1)
    response = sandbox_client.get("/users/me")
    assert response.status_code == 401
    assert response.json["error"] == "invalid_token"
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_access_token_lifetime_is_configurable(app, sandbox_client):
    app.config["SANDBOX_ACCESS_TOKEN_TTL"] = 60
    assert sandbox_client.sign_in()["expires_in"] == 60


def test_missing_or_unknown_bearer_token(sandbox_client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = sandbox_client.http.get("/sandbox/api/v2.1/providers", headers=headers)
        assert response.status_code == 401
        assert response.json["error"] == "invalid_token"


def _authorize_query(**extra):
    return {"response_type": "code", "client_id": "demo-client",
            "redirect_uri": "http://localhost:8000/callback", "state": "xyz", **extra}


def test_authorization_code_flow(sandbox_client):
    email, password = sandbox_client.create_user()
    page = sandbox_client.http.get("/sandbox/auth/authorize", query_string=_authorize_query())
    assert page.status_code == 200
    assert b"demo-client" in page.data
    wrong = sandbox_client.http.post("/sandbox/auth/authorize", query_string=_authorize_query(),
                                     data={"email": email, "password": "bad",
                                           "decision": "approve"})
    assert wrong.status_code == 401
    back = sandbox_client.http.post("/sandbox/auth/authorize", query_string=_authorize_query(),
                                    data={"email": email, "password": password,
                                          "decision": "approve"})
    assert back.status_code == 302
    assert back.headers["Location"].startswith("http://localhost:8000/callback?")
    query = query_of(back.headers["Location"])
    assert query["state"] == "xyz"
    token = sandbox_client.token_request(grant_type="authorization_code", code=query["code"],
                                         redirect_uri="http://localhost:8000/callback")
    assert token.status_code == 200, token.json
    assert token.json["scope"] == USER_SCOPES
    assert token.json["refresh_token"]
    me = sandbox_client.get("/users/me", token=token.json["access_token"])
    assert me.json["email"] == email
    # A code serves once.
    reused = sandbox_client.token_request(grant_type="authorization_code", code=query["code"],
                                          redirect_uri="http://localhost:8000/callback")
    assert reused.status_code == 400
    assert reused.json["error"] == "invalid_grant"


def test_authorization_code_needs_the_same_redirect_uri(sandbox_client):
    email, password = sandbox_client.create_user()
    back = sandbox_client.http.post("/sandbox/auth/authorize", query_string=_authorize_query(),
                                    data={"email": email, "password": password,
                                          "decision": "approve"})
    code = query_of(back.headers["Location"])["code"]
    token = sandbox_client.token_request(grant_type="authorization_code", code=code,
                                         redirect_uri="http://localhost:8000/other")
    assert token.status_code == 400
    assert token.json["error"] == "invalid_grant"


def test_authorization_denied(sandbox_client):
    back = sandbox_client.http.post("/sandbox/auth/authorize", query_string=_authorize_query(),
                                    data={"decision": "deny"})
    assert back.status_code == 302
    query = query_of(back.headers["Location"])
    assert query["error"] == "access_denied"
    assert query["state"] == "xyz"
    assert "code" not in query


def test_authorize_refuses_an_unregistered_redirect_uri(sandbox_client):
    for uri in ("https://evil.example/cb", "http://127.0.0.1.evil.example/cb",
                "http://localhost@evil.example/cb"):
        page = sandbox_client.http.get("/sandbox/auth/authorize",
                                       query_string=_authorize_query(redirect_uri=uri))
        assert page.status_code == 400, uri
        assert "Location" not in page.headers


def test_authorize_accepts_any_port_and_path_of_a_registered_host(sandbox_client):
    for uri in ("http://127.0.0.1:9999/a/b", "http://localhost/cb"):
        page = sandbox_client.http.get("/sandbox/auth/authorize",
                                       query_string=_authorize_query(redirect_uri=uri))
        assert page.status_code == 200, uri


def test_authorize_with_an_unknown_client(sandbox_client):
    page = sandbox_client.http.get("/sandbox/auth/authorize",
                                   query_string=_authorize_query(client_id="ghost"))
    assert page.status_code == 400


def test_demo_client_is_seeded(sandbox_client):
    client_id, secret = DEMO_CLIENT
    assert sandbox_client.token_request((client_id, secret),
                                        grant_type="client_credentials").status_code == 200


def refresh(sandbox_client, refresh_token):
    return sandbox_client.token_request(grant_type="refresh_token", refresh_token=refresh_token)


def test_a_rotated_refresh_token_gets_the_same_pair_within_the_reuse_interval(sandbox_client):
    first = sandbox_client.sign_in()
    second = refresh(sandbox_client, first["refresh_token"]).json
    sandbox_client.clock.advance(59)
    again = refresh(sandbox_client, first["refresh_token"])  # the client lost the answer
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    assert again.json == {**second, "expires_in": 3600 - 59}
    assert sandbox_client.get("/users/me", token=second["access_token"]).status_code == 200
    assert sandbox_client.get("/users/me", token=first["access_token"]).status_code == 401
    sandbox_client.clock.advance(1)
    over = refresh(sandbox_client, first["refresh_token"])
    assert over.status_code == 400 and over.json["error"] == "invalid_grant"
    assert refresh(sandbox_client, second["refresh_token"]).status_code == 200


def test_no_reuse_once_the_new_pair_is_spent(sandbox_client):
    first = sandbox_client.sign_in()
    second = refresh(sandbox_client, first["refresh_token"]).json
    assert refresh(sandbox_client, second["refresh_token"]).status_code == 200
    again = refresh(sandbox_client, first["refresh_token"])
    assert again.status_code == 400 and again.json["error"] == "invalid_grant"


def test_reuse_needs_the_same_client(sandbox_client):
    first = sandbox_client.sign_in()
    refresh(sandbox_client, first["refresh_token"])
    response = sandbox_client.token_request(("demo-client", "bad"), grant_type="refresh_token",
                                            refresh_token=first["refresh_token"])
    assert response.status_code == 401


def test_the_reuse_interval_is_a_setting(app, sandbox_client):
    app.config["SANDBOX_REFRESH_REUSE_SECONDS"] = 0  # strict one-time use
    first = sandbox_client.sign_in()
    assert refresh(sandbox_client, first["refresh_token"]).status_code == 200
    again = refresh(sandbox_client, first["refresh_token"])
    assert again.status_code == 400 and again.json["error"] == "invalid_grant"


def test_the_database_cannot_open_the_new_pair(app, sandbox_client):
    first = sandbox_client.sign_in()
    second = refresh(sandbox_client, first["refresh_token"]).json
    stored = database_bytes(app.config["SANDBOX_DATABASE"])
    for token in (first["refresh_token"], second["access_token"], second["refresh_token"]):
        assert token.encode() not in stored
