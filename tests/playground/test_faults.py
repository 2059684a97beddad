"""Sandbox failures (500, dropped connection, time-out) are messages on the page, never a 500."""
from tests.playground.playground_forms import page_csrf


def return_page(client, connection_id="c-1"):
    return client.get("/playground/return?lng=en&result=success&connection_id=" + connection_id)


def test_api_error_on_user_creation(client, app):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/users": "500"}
    response = client.post("/playground/user/new?lng=en", data={"csrf_token": page_csrf(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "Creating the sandbox user: the server answered with an error." in page
    assert "HTTP 500 server_error" in page


def test_api_error_on_accounts(client, app, signed_in):
    signed_in.accept_terms()
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/accounts": "500"}
    response = return_page(client)
    assert response.status_code == 200
    assert ("Reading the connection&#39;s accounts: the server answered with an error."
            in response.get_data(as_text=True))


def test_dropped_connection(client, app, signed_in):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/accounts": "drop"}
    response = return_page(client)
    assert response.status_code == 200
    assert "the server could not be reached" in response.get_data(as_text=True)


def test_time_out(client, app, signed_in):
    app.config.update(SANDBOX_FAULTS={"/sandbox/auth/token": "timeout"},
                      SANDBOX_FAULT_TIMEOUT_SECONDS=1.5, UPSTREAM_READ_TIMEOUT=0.5)
    response = client.post("/playground/user/new?lng=en", data={"csrf_token": page_csrf(client)})
    assert response.status_code == 502
    assert "the server could not be reached" in response.get_data(as_text=True)
