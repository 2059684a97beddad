"""The sandbox user: create, sign in, sign out; CSRF; errors; no password kept."""
import re

from tests.playground.playground_forms import page_csrf


def session_values(client):
    with client.session_transaction() as session:
        return dict(session)


def test_create_user_signs_in_and_shows_the_password_once(client):
    response = client.post("/playground/user/new", data={"csrf_token": page_csrf(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 201
    user = session_values(client)["playground_user"]
    assert user["email"].startswith("user-") and user["email"].endswith("@sandbox.example")
    assert user["email"] in page and user["access_token"] and user["refresh_token"]
    assert 'action="/playground/user/sign-out"' in page
    password = re.search(r'<code class="new-password">([^<]+)</code>', page).group(1)
    assert password and password not in repr(session_values(client))
    assert user["access_token"] not in page and user["refresh_token"] not in page
    # The home page, read again, does not show the password any more.
    assert password not in client.get("/").get_data(as_text=True)


def test_sign_in_with_good_credentials(client, sandbox_user):
    response = client.post("/playground/user/sign-in", data={
        "csrf_token": page_csrf(client), "email": sandbox_user.email,
        "password": sandbox_user.password})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert sandbox_user.email in page
    assert sandbox_user.password not in repr(session_values(client))


def test_sign_in_keeps_the_language(client, sandbox_user):
    response = client.post("/playground/user/sign-in?lng=en", data={
        "csrf_token": page_csrf(client), "email": sandbox_user.email,
        "password": sandbox_user.password})
    assert response.headers["Location"] == "/?lng=en"


def test_wrong_password_is_refused_and_never_shown_again(client, sandbox_user):
    response = client.post("/playground/user/sign-in?lng=en", data={
        "csrf_token": page_csrf(client), "email": sandbox_user.email, "password": "wrong-pw"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Wrong email or password." in page
    assert 'value="%s"' % sandbox_user.email in page and "wrong-pw" not in page
    assert "playground_user" not in session_values(client)


def test_bad_email_is_refused(client):
    response = client.post("/playground/user/sign-in?lng=en", data={
        "csrf_token": page_csrf(client), "email": "not an email", "password": "x"})
    assert response.status_code == 400
    assert "Give the user&#39;s email address and password." in response.get_data(as_text=True)


def test_sign_out(client, signed_in):
    response = client.post("/playground/user/sign-out?lng=en", data={"csrf_token": page_csrf(client)})
    assert response.status_code == 303
    page = client.get("/?lng=en").get_data(as_text=True)
    assert "Signed out." in page and signed_in.email not in page
    assert "playground_user" not in session_values(client)


def test_every_user_form_rejects_a_bad_csrf_token(client, sandbox_user):
    page_csrf(client)
    for path, data in (("/playground/user/new", {}),
                       ("/playground/user/sign-in", {"email": sandbox_user.email,
                                                     "password": sandbox_user.password}),
                       ("/playground/user/sign-out", {})):
        for token in (None, "forged"):
            form = dict(data, **({"csrf_token": token} if token else {}))
            response = client.post(path + "?lng=en", data=form)
            assert response.status_code == 400, path
            assert "This form has expired" in response.get_data(as_text=True)
    assert "playground_user" not in session_values(client)


def test_sandbox_down_gives_a_message_not_a_500(offline_app):
    client = offline_app.test_client()
    response = client.post("/playground/user/new?lng=en", data={"csrf_token": page_csrf(client)})
    assert response.status_code == 502
    assert "the server could not be reached" in response.get_data(as_text=True)
    response = client.post("/playground/user/sign-in?lng=en", data={
        "csrf_token": page_csrf(client), "email": "a@b.example", "password": "x"})
    assert response.status_code == 502
