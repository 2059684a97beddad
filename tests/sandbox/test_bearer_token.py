"""The Accounts API's bearer-token check (Authlib's resource protector, given the request's
headers in widget/sandbox/api.py): what RFC 6750 accepts and refuses; a revoked or expired
token is refused at once."""
import pytest

PROVIDERS = "/sandbox/api/v2.1/providers"


def answer(sandbox_client, authorization):
    return sandbox_client.http.get(PROVIDERS, headers={"Authorization": authorization})


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_scheme_is_case_insensitive(user, scheme):
    assert answer(user, f"{scheme} {user.token}").status_code == 200
    assert answer(user, f"{scheme}   {user.token}").status_code == 200


@pytest.mark.parametrize("authorization", [
    "", "Bearer", "Bearer ", "Token {token}", "Basic {token}", "{token}", "Bearer {token}x",
    "Bearer {token} x",
])
def test_anything_but_a_known_bearer_token_is_refused(user, authorization):
    response = answer(user, authorization.format(token=user.token))
    assert response.status_code == 401
    assert response.json["error"] == "invalid_token"
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_token_revoked_by_a_refresh_is_refused_at_its_next_call(user):
    tokens = user.sign_in()
    assert user.get("/users/me").status_code == 200
    refreshed = user.token_request(grant_type="refresh_token",
                                   refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    assert user.get("/users/me").status_code == 401
    assert user.get("/users/me", token=refreshed.json["access_token"]).status_code == 200


def test_a_token_is_refused_the_second_it_expires(user, clock):
    assert user.get("/users/me").status_code == 200
    clock.advance(3599.9)
    assert user.get("/users/me").status_code == 200
    clock.advance(0.1)
    assert user.get("/users/me").status_code == 401


def test_a_usable_token_without_the_scope_is_insufficient(user, clock):
    """Checked after the token itself: an expired token without the scope is still a 401."""
    body = {"email": "x@example.com", "password": "pw"}
    response = user.post("/users", json=body)
    assert response.status_code == 403
    assert response.json["error"] == "insufficient_scope"
    clock.advance(3600)
    assert user.post("/users", json=body).status_code == 401
