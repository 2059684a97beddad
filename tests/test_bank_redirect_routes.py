"""The REDIRECT (PSD2) channel over HTTP: the bank notice, the sandbox bank portal, the bank's
callback (one state, once, for its own session), and the Client's aspsp_callback_uri."""
import re
import secrets
import threading
from urllib.parse import urlsplit

import pytest
import requests

from tests.client_backend import connections
from tests.widget_driver import (RETURN, at_bank, expire_session, open_widget, page_text, query_of,
                                 returned, screen, text, through_bank, to_bank)

NOTICE = {"fr": "vous acceptez que votre banque partage les données de vos comptes",
          "en": "you agree that your bank shares the data of your accounts"}
CALLBACK_INVALID = {"fr": "Cette réponse de votre banque ne peut pas être utilisée",
                    "en": "This answer from your bank cannot be used"}
HOST_PAGE = "http://localhost:5000/playground/host?tab=banks"


def back_in_the_widget(w, response):
    """The callback's answer: a 303 to the widget's own link (no page a reload would replay)."""
    assert response.status_code == 303, (response.status_code, screen(response))
    location = response.headers["Location"]
    assert urlsplit(location).path == "/widget/add_connection"
    assert query_of(location) == {"session_id": w.session_id}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_bank_notice_says_that_connecting_at_the_bank_means_sharing(client, user, locale):
    _, page = open_widget(client, user, provider_id="psd2", locale=locale)
    assert page.status_code == 200 and screen(page) == "bank_notice"
    assert NOTICE[locale] in page_text(page)
    form = re.search(r'<form[^>]*action="/widget/add_connection/bank"[^>]*>', text(page)).group(0)
    assert 'target="_top"' in form and "hx-" not in form  # a plain POST at top level


def test_the_bank_button_sends_the_user_to_the_portal_the_api_gave(app, client, user):
    w, _ = open_widget(client, user, provider_id="psd2")
    portal = to_bank(w)
    assert portal.startswith(app.live_url + "/sandbox/bank/authorize?request=")
    assert w.session_id not in portal  # the bank only ever sees the state
    login_page = client.get(portal)
    assert login_page.status_code == 200 and 'name="login"' in text(login_page)


@pytest.mark.parametrize("login", ["demo", "otp", "question", "app"])
def test_redirect_journey_through_the_portal(app, client, user, clock, login):
    w, _ = open_widget(client, user, provider_id="psd2", state="s-1")
    back_in_the_widget(w, through_bank(w, login))
    page = w.resume()
    if login == "otp":
        assert screen(page) == "challenge"  # the SMS challenge comes back in the widget
        page = w.post("/widget/add_connection/challenge", answer="123456")
    elif login == "question":
        assert screen(page) == "challenge"
        page = w.post("/widget/add_connection/challenge", answer="blue")
    elif login == "app":
        assert screen(page) == "challenge" and 'id="challenge-wait"' in text(page)
        clock.advance(6)
        page = w.get("/widget/add_connection/wait")
    assert screen(page) == "accounts"
    assert screen(w.post("/widget/add_connection/consent")) == "syncing"
    clock.advance(60)
    params = returned(w.get("/widget/add_connection/wait"))
    [connection] = connections(app, user)
    assert params == {"result": "success", "widget": "add_connection",
                      "connection_id": connection["id"], "state": "s-1"}
    assert [(c["channel_definition_id"], c["mode"]) for c in connection["channels"]] == [
        ("psd2-redirect", "REDIRECT")]


def test_a_wrong_password_at_the_portal_stays_at_the_portal(client, user):
    w, _ = open_widget(client, user, provider_id="psd2")
    portal = to_bank(w)
    request_id = re.search(r'name="request" value="([^"]+)"', text(client.get(portal))).group(1)
    page = client.post(portal, data={"request": request_id, "login": "demo", "password": "wrong"})
    assert page.status_code == 401 and 'role="alert"' in text(page)
    assert 'value="wrong"' not in text(page)


def test_a_denial_at_the_bank_ends_with_bank_denied(app, client, user):
    w, _ = open_widget(client, user, provider_id="psd2", state="s-2")
    back_in_the_widget(w, through_bank(w, decision="deny"))
    assert returned(w.resume()) == {
        "result": "error", "widget": "add_connection", "error": "bank_denied",
        "error_description": "La connexion a été refusée par la banque.", "state": "s-2"}
    assert connections(app, user) == []


def bad_callback(kind, client, user, locale):
    """(the widget's answer to a callback with a bad state, the genuine callback URL, w)."""
    w, _ = open_widget(client, user, provider_id="psd2", locale=locale)
    callback = at_bank(client, to_bank(w))
    genuine = query_of(callback)
    base = callback.split("?")[0]
    if kind == "replayed":
        back_in_the_widget(w, client.get(callback))
        return client.get(callback), callback, w
    if kind == "foreign":  # session A's state, naming session B
        other, _ = open_widget(client, user, provider_id="psd2", locale=locale)
        to_bank(other)
        query = {**genuine, "session_id": other.session_id}
    elif kind == "unknown":
        query = {"code": genuine["code"], "state": secrets.token_urlsafe(32),
                 "session_id": w.session_id}
    else:  # missing
        query = {"code": genuine["code"], "session_id": w.session_id}
    return client.get(base, query_string=query), callback, w


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("kind", ["replayed", "foreign", "unknown", "missing"])
def test_the_callback_refuses_a_state_it_did_not_issue_for_that_session(app, client, user, kind,
                                                                         locale):
    response, callback, w = bad_callback(kind, client, user, locale)
    assert response.status_code == 400 and screen(response) == "bank_callback_invalid"
    assert f'<html lang="{locale}"' in text(response)
    assert CALLBACK_INVALID[locale] in page_text(response)
    if kind == "replayed":
        assert len(connections(app, user)) == 1  # the first answer's only
        return
    assert connections(app, user) == []
    # Nothing was lost: the genuine callback still goes on.
    back_in_the_widget(w, client.get(callback))
    assert screen(w.resume()) == "accounts" and len(connections(app, user)) == 1


def test_the_callback_twice_at_once_creates_one_connection(app, client, user):
    w, _ = open_widget(client, user, provider_id="psd2")
    callback = at_bank(client, to_bank(w))
    assert callback.startswith(app.live_url)
    statuses, barrier = [], threading.Barrier(2)

    def follow_the_bank():
        barrier.wait(timeout=10)
        with requests.get(callback, allow_redirects=False, timeout=30) as response:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=follow_the_bank) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 400]
    assert len(connections(app, user)) == 1
    assert screen(w.resume()) == "accounts"


def test_the_session_expiring_while_at_the_bank_ends_with_expired(app, client, user):
    w, _ = open_widget(client, user, provider_id="psd2", state="s-3",
                       redirect_url=RETURN + "?from=bank")
    callback = at_bank(client, to_bank(w))
    expire_session(app, w.session_id)
    back = client.get(callback)
    assert back.status_code == 303
    assert returned(back) == {"from": "bank", "result": "expired", "widget": "add_connection",
                              "state": "s-3"}
    assert connections(app, user) == []


@pytest.mark.parametrize("login, resumed_at", [("demo", "accounts"), ("otp", "challenge")])
def test_the_callback_sends_the_top_window_to_the_clients_page(app, client, user, login,
                                                               resumed_at):
    w, _ = open_widget(client, user, provider_id="psd2", state="client-state",
                       aspsp_callback_uri=HOST_PAGE)
    back = through_bank(w, login)
    assert back.status_code == 303
    location = back.headers["Location"]
    assert location.startswith("http://localhost:5000/playground/host?")
    assert query_of(location) == {"tab": "banks", "session_id": w.session_id,
                                  "state": "client-state"}
    # The Client's page opens the same widget link in its iframe: the run resumes after the bank.
    page = w.resume()
    assert page.status_code == 200 and screen(page) == resumed_at
    assert len(connections(app, user)) == 1


def test_a_denial_seen_from_the_clients_page(app, client, user):
    w, _ = open_widget(client, user, provider_id="psd2", aspsp_callback_uri=HOST_PAGE)
    back = through_bank(w, decision="deny")
    assert back.status_code == 303
    assert query_of(back.headers["Location"]) == {"tab": "banks", "session_id": w.session_id}
    params = returned(w.resume())
    assert params["result"] == "error" and params["error"] == "bank_denied"
    assert "state" not in params and "connection_id" not in params
    assert connections(app, user) == []


@pytest.mark.parametrize("query", [
    {}, {"state": "x" * 5000, "code": "c"}, {"state": "../../etc/passwd"},
    {"state": "%ff", "error": "<script>"}, {"session_id": "nope", "state": "a" * 43},
    {"code": "c" * 5000}])
def test_odd_callbacks_are_a_clear_error_page(client, query):
    response = client.get("/widget/add_connection/callback", query_string=query)
    assert response.status_code == 400 and screen(response) == "bank_callback_invalid"
    assert "<script>" not in text(response)
