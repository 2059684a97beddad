"""The return contract (DESIGN.md section 5) for every ending of add_connection: the redirect's
query, the same in the messages for an embedding page (htmx's HX-Trigger, or the leaving page of
a browser navigation)."""
import html
import re

import pytest
import requests

from tests.client_backend import CLIENT
from tests.widget_driver import (HTMX, NAVIGATE, RETURN, Widget, at_bank, create_session, events,
                                 expire_session, hx_messages, page_messages, query_of, screen,
                                 text, through_bank, to_bank)

REDIRECT_URL = RETURN + "?client_ref=42&tab=banks"  # the Client's own query, kept
KEPT = {"client_ref": "42", "tab": "banks"}
DESCRIPTIONS = {
    "invalid_request": "La demande n’était pas valide.",
    "invalid_provider": "Cette banque n’est pas connue.",
    "invalid_channel": "Ce mode de connexion n’est pas disponible pour cette banque.",
    "challenge_failed": "La vérification n’a pas abouti.",
    "challenge_expired": "La vérification n'a pas été terminée à temps.",
    "user_action_required": "Votre banque vous demande d’abord une action sur son site.",
    "sync_failed": "La banque ne nous a pas permis de récupérer vos comptes.",
    "bank_denied": "La connexion a été refusée par la banque.",
    "bank_error": "La banque n'a pas pu finaliser la connexion.",
    "terms_refused": "Les conditions générales n’ont pas été acceptées.",
}
LINK, CREDENTIALS = "/widget/add_connection", "/widget/add_connection/credentials"
CONSENT, WAIT = "/widget/add_connection/consent", "/widget/add_connection/wait"


def new_session(client, user, **options):
    created = create_session(client, user, redirect_url=REDIRECT_URL, **options)
    assert created.status_code == 201, created.data
    return Widget(client, created.get_json()["session_id"])


def user_connections(app, user):
    """The user's connections, with a token of their own (the widget's may be revoked)."""
    with requests.post(app.live_url + "/sandbox/auth/token", auth=CLIENT, timeout=10, data={
            "grant_type": "password", "username": user["email"],
            "password": user["password"]}) as answer:
        token = answer.json()["access_token"]
    with requests.get(app.live_url + "/sandbox/api/v2.1/connections", timeout=10,
                      headers={"Authorization": "Bearer " + token}) as answer:
        if answer.status_code == 401 and answer.json().get("action") == "ACCEPT_TERMS":
            return []  # terms never accepted: the API let this user create nothing
        answer.raise_for_status()
        return answer.json()


def revoke_access_token(app, user):
    """The Client rotates its tokens elsewhere: the access token the widget holds is void."""
    with requests.post(app.live_url + "/sandbox/auth/token", auth=CLIENT, timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": user["refresh_token"]}) as answer:
        answer.raise_for_status()


def location(response):
    url = response.headers.get("Location") or response.headers.get("HX-Redirect")
    assert url, (response.status_code, screen(response))
    return url


def check_return(url, result, error=None, connection=None, state="st-9"):
    assert url.startswith(RETURN + "?"), url
    expected = {**KEPT, "result": result, "widget": "add_connection"}
    if connection:
        expected["connection_id"] = connection
    if error:
        expected.update(error=error, error_description=DESCRIPTIONS[error])
    if state:
        expected["state"] = state
    assert query_of(url) == expected


# --- Drivers: from a fresh session (widget not opened yet) to the response that ends it ------
def opened(**query):
    return lambda app, w, clock, user, h: w.get(LINK, headers=h, **query)


def success(app, w, clock, user, h):
    w.get(LINK)
    w.post(CREDENTIALS, login="demo", password="pw")
    w.post(CONSENT)
    clock.advance(60)
    return w.get(WAIT, headers={**h, "HX-Trigger": "sync-progress"} if h == HTMX else h)


def challenge_failed(app, w, clock, user, h):
    w.get(LINK)
    w.post(CREDENTIALS, login="otp", password="pw")
    for _ in range(2):
        assert w.post("/widget/add_connection/challenge", answer="000000").status_code == 422
    return w.post("/widget/add_connection/challenge", headers=h, answer="000000")


def challenge_expired(app, w, clock, user, h):
    w.get(LINK)
    assert screen(w.post(CREDENTIALS, login="otp", password="pw")) == "challenge"
    clock.advance(601)
    return w.post("/widget/add_connection/challenge", headers=h, answer="123456")


def locked(app, w, clock, user, h):
    w.get(LINK)
    return w.post(CREDENTIALS, headers=h, login="locked", password="pw")


def sync_failed(app, w, clock, user, h):
    w.get(LINK)
    w.post(CREDENTIALS, login="fail", password="pw")
    w.post(CONSENT)
    clock.advance(60)
    assert screen(w.get(WAIT)) == "sync_failed"
    return w.post("/widget/add_connection/failed", headers=h)


def bank_denied(app, w, clock, user, h):
    w.get(LINK)
    assert through_bank(w, decision="deny").status_code == 303
    return w.get(LINK, headers=h)


def bank_error(app, w, clock, user, h):
    w.get(LINK)
    callback = at_bank(w.client, to_bank(w))
    assert w.client.get(re.sub(r"code=[^&]+", "code=forged", callback)).status_code == 303
    return w.get(LINK, headers=h)


def terms_refused(app, w, clock, user, h):
    assert screen(w.get(LINK)) == "terms"
    return w.post("/widget/terms/refuse", headers=h)


ERRORS = {  # error code: (session options, driver, whether a connection exists at the end)
    "invalid_request": ({}, opened(captive_mode="maybe"), False),
    "invalid_provider": ({"provider_id": "nope"}, opened(), False),
    "invalid_channel": ({"provider_id": "web", "channel_definition_id": "demo-redirect"},
                        opened(), False),
    "challenge_failed": ({"provider_id": "web"}, challenge_failed, True),
    "challenge_expired": ({"provider_id": "web"}, challenge_expired, True),
    "user_action_required": ({"provider_id": "web"}, locked, True),
    "sync_failed": ({"provider_id": "web"}, sync_failed, True),
    "bank_denied": ({"provider_id": "psd2"}, bank_denied, False),
    "bank_error": ({"provider_id": "psd2"}, bank_error, False),
    "terms_refused": ({}, terms_refused, False),
}


def test_success(app, client, user, clock):
    w = new_session(client, user, provider_id="web", state="st-9")
    url = location(success(app, w, clock, user, {}))
    [connection] = user_connections(app, user)
    check_return(url, "success", connection=connection["id"])


@pytest.mark.parametrize("code", ERRORS)
def test_error(request, app, client, clock, code):
    options, drive, connected = ERRORS[code]
    user = request.getfixturevalue("new_user" if code == "terms_refused" else "user")
    w = new_session(client, user, state="st-9", **options)
    url = location(drive(app, w, clock, user, {}))
    made = [c["id"] for c in user_connections(app, user)]
    assert len(made) == int(connected)
    check_return(url, "error", code, connection=made[0] if made else None)


def reach(step, w, clock):
    """Open the widget and walk to `step`; whether a connection exists by then."""
    w.get(LINK)
    if step in ("challenge", "accounts", "syncing"):
        w.post(CREDENTIALS, login="otp" if step == "challenge" else "demo", password="pw")
    if step == "syncing":
        w.post(CONSENT)
    if step == "next_channel":
        through_bank(w)
        w.get(LINK)
        w.post(CONSENT)
    return step in ("challenge", "accounts", "syncing", "next_channel")


CANCEL_AT = {"providers": {}, "channel_choice": {"provider_id": "demo", "select_channel": "true"},
             "bank_notice": {"provider_id": "psd2"}, "credentials": {"provider_id": "web"},
             "challenge": {"provider_id": "web"}, "accounts": {"provider_id": "web"},
             "next_channel": {"provider_id": "demo", "multiple_channels": "true"},
             "syncing": {"provider_id": "web"}}


@pytest.mark.parametrize("step", CANCEL_AT)
def test_cancelled_at_every_step(app, client, user, clock, step):
    w = new_session(client, user, state="st-9", **CANCEL_AT[step])
    connected = reach(step, w, clock)
    assert screen(w.get(LINK)) == step
    url = location(w.post("/widget/cancel"))
    made = [c["id"] for c in user_connections(app, user)]
    assert len(made) == int(connected)
    check_return(url, "cancelled", connection=made[0] if made else None)


def deleted(app, w, clock, user, h):
    w.get(LINK)
    assert w.client.delete(f"/widget_session/{w.session_id}", auth=CLIENT).status_code == 204
    return w.post(CREDENTIALS, headers=h, login="demo", password="pw")


def lifetime_over(app, w, clock, user, h):
    w.get(LINK)
    expire_session(app, w.session_id)
    return w.get(LINK, headers=h)


def token_refused(app, w, clock, user, h):
    w.get(LINK)
    revoke_access_token(app, user)
    return w.post(CREDENTIALS, headers=h, login="demo", password="pw")


def token_refused_at_the_accounts(app, w, clock, user, h):
    w.get(LINK)
    assert screen(w.post(CREDENTIALS, login="demo", password="pw")) == "accounts"
    revoke_access_token(app, user)
    return w.post(CONSENT, headers=h)


EXPIRED = {"session_deleted": (deleted, False), "session_lifetime_over": (lifetime_over, False),
           "token_refused": (token_refused, False),
           "token_refused_at_the_accounts": (token_refused_at_the_accounts, True)}


@pytest.mark.parametrize("how", EXPIRED)
def test_expired(app, client, user, clock, how):
    drive, connected = EXPIRED[how]
    w = new_session(client, {**user, "refresh_token": None}, provider_id="web", state="st-9")
    response = drive(app, w, clock, user, {})
    assert response.status_code == 303, (response.status_code, screen(response))
    made = [c["id"] for c in user_connections(app, user)]
    assert len(made) == int(connected)
    check_return(location(response), "expired", connection=made[0] if made else None)


def cancelled_at_providers(app, w, clock, user, h):
    w.get(LINK)
    return w.post("/widget/cancel", headers=h)


def cancelled_at_accounts(app, w, clock, user, h):
    reach("accounts", w, clock)
    return w.post("/widget/cancel", headers=h)


NO_STATE = {"success": (success, "success", None),
            "error": (locked, "error", "user_action_required"),
            "cancelled": (cancelled_at_providers, "cancelled", None),
            "expired": (lifetime_over, "expired", None)}


@pytest.mark.parametrize("ending", NO_STATE)
def test_no_state_without_one_in_the_session(app, client, user, clock, ending):
    drive, result, error = NO_STATE[ending]
    w = new_session(client, user, provider_id="web")
    params = query_of(location(drive(app, w, clock, user, {})))
    assert "state" not in params and params["result"] == result and params.get("error") == error


# --- The same for the embedding page --------------------------------------------------------
def check_messages(payload, url, session_events):
    assert payload["origin"] == "http://localhost:5000"
    *tracked, last = payload["messages"]
    params = query_of(url)
    assert last == {"eventName": "redirect_to", "redirect_url": url, "status": params["result"],
                    "result": params["result"], "connection_id": params.get("connection_id"),
                    "widget": "add_connection"}
    assert all(m["eventName"] == m["name"] for m in tracked)
    if session_events is not None:  # None: the session is gone, only the ending is left to say
        assert tracked, "the tracked events go with the ending"
        assert tracked == [dict(e, eventName=e["name"]) for e in session_events[-len(tracked):]]
        assert [m["name"] for m in tracked[-2:]] == ["REDIRECT", "SESSION_FINISHED"]
        finished = tracked[-1]["data"]
        assert finished["result"] == params["result"] and finished.get("state") == "st-9"
        assert finished.get("connection_id") == params.get("connection_id")
        assert finished.get("error") == params.get("error")


HTMX_ENDINGS = {"success": success, "user_action_required": locked, "sync_failed": sync_failed,
                "cancelled": cancelled_at_accounts}


@pytest.mark.parametrize("ending", HTMX_ENDINGS)
def test_htmx_endings_tell_the_embedding_page(app, client, user, clock, ending):
    w = new_session(client, user, provider_id="web", state="st-9")
    response = HTMX_ENDINGS[ending](app, w, clock, user, HTMX)
    assert response.status_code == 200 and "Location" not in response.headers
    url = response.headers["HX-Redirect"]
    assert url.startswith(RETURN + "?") and query_of(url)["state"] == "st-9"
    check_messages(hx_messages(response), url, events(client, w.session_id))


NAVIGATIONS = {"success": ({"provider_id": "web"}, success),
               "bank_denied": ({"provider_id": "psd2"}, bank_denied),
               "invalid_provider": ({"provider_id": "nope"}, opened()),
               "cancelled": ({}, cancelled_at_providers),
               "expired": ({"provider_id": "web"}, lifetime_over)}


@pytest.mark.parametrize("ending", NAVIGATIONS)
def test_a_browser_navigation_gets_the_leaving_page(app, client, user, clock, ending):
    options, drive = NAVIGATIONS[ending]
    w = new_session(client, user, state="st-9", **options)
    response = drive(app, w, clock, user, NAVIGATE)
    assert response.status_code == 200 and "Location" not in response.headers
    assert screen(response) == "leaving"
    url = html.unescape(re.search(r'<a href="([^"]+)" id="next-url"', text(response)).group(1))
    assert url.startswith(RETURN + "?") and query_of(url)["state"] == "st-9"
    assert f'content="0;url={html.escape(url)}"' in text(response)  # without JavaScript
    session_events = None if ending == "expired" else events(client, w.session_id)
    check_messages(page_messages(response), url, session_events)
