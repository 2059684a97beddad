"""add_connection's declinations over HTTP (select_channel, multiple_channels, select_accounts,
non-captive), answers to challenges no longer pending, and the waiting screens' pollers."""
import re

import pytest
import requests

from tests.client_backend import accounts, connections
from tests.widget_driver import open_widget, page_text, returned, screen, text, through_bank
from widget.upstream.accounts_api import AccountsApi

CHOOSE_ONE = {"fr": "Choisissez l'une des options ci-dessous.",
              "en": "Choose one of the options below."}
# web's `demo` login holds 4 accounts: at step 2 of 3, 4 * 2 // 3 of them are retrieved.
PROGRESS = {"fr": ("Étape 2 sur 3", "2 comptes récupérés"),
            "en": ("Step 2 of 3", "2 accounts retrieved")}


@pytest.fixture
def api_calls(monkeypatch):
    """Every call the widget makes to the Accounts API, as (method, path)."""
    calls, original = [], AccountsApi.request

    def counting(self, method, path, json=None, params=None, **options):
        calls.append((method, path))
        return original(self, method, path, json=json, params=params, **options)

    monkeypatch.setattr(AccountsApi, "request", counting)
    return calls


def listed_names(page):
    return sorted(re.findall(r'<span class="name">([^<]*)</span>', page_text(page)))


def checkboxes(page):
    """[(account id, checked)] of the accounts checklist."""
    tags = re.findall(r'<input type="checkbox" name="account_id" value="([^"]+)"([^>]*)>',
                      text(page))
    return [(account_id, "checked" in rest.split()) for account_id, rest in tags]


def finish_sync(w, clock):
    clock.advance(60)
    return returned(w.get("/widget/add_connection/wait"))


# select_channel
def test_the_channel_choice_is_a_dialog_of_labelled_buttons(client, user):
    _, page = open_widget(client, user, provider_id="demo", select_channel="true")
    assert page.status_code == 200 and screen(page) == "channel_choice"
    assert "<dialog open data-modal" in text(page)
    buttons = re.findall(r'<button type="submit" name="channel_definition_id" value="([^"]+)".*?'
                         r'<span class="choice-title">([^<]+)</span>', page_text(page), re.S)
    assert buttons == [("demo-redirect", "Comptes de paiement"),
                       ("demo-embedded", "Comptes d'épargne")]


def test_payment_accounts_go_through_the_bank_savings_through_the_form(app, client, user):
    w, _ = open_widget(client, user, provider_id="demo", select_channel="true")
    assert screen(w.post("/widget/add_connection/channel", channel_definition_id="demo-redirect")) \
        == "bank_notice"
    through_bank(w)
    assert screen(w.resume()) == "accounts"
    [payment] = connections(app, user)
    assert {a["type"] for a in accounts(app, user, payment["id"])} == {"CHECKINGS", "CREDIT_CARD"}

    w, _ = open_widget(client, user, provider_id="demo", select_channel="true")
    page = w.post("/widget/add_connection/channel", channel_definition_id="demo-embedded")
    assert screen(page) == "credentials"
    assert screen(w.post("/widget/add_connection/credentials", login="demo", password="pw")) \
        == "accounts"
    savings = [c for c in connections(app, user) if c["id"] != payment["id"]][0]
    assert {a["type"] for a in accounts(app, user, savings["id"])} == {"SAVINGS", "LOAN"}
    assert [c["mode"] for c in savings["channels"]] == ["EMBEDDED"]


@pytest.mark.parametrize("definition_id, locale", [
    ("web-embedded", "fr"), ("web-embedded", "en"), ("nope", "fr"), ("", "fr"), ("x" * 500, "en")])
def test_a_channel_not_offered_is_refused(client, user, definition_id, locale):
    w, _ = open_widget(client, user, provider_id="demo", select_channel="true", locale=locale)
    page = w.post("/widget/add_connection/channel", channel_definition_id=definition_id)
    assert page.status_code == 422 and screen(page) == "channel_choice"
    assert 'role="alert"' in text(page) and CHOOSE_ONE[locale] in page_text(page)
    assert screen(w.post("/widget/add_connection/channel", channel_definition_id="demo-embedded")) \
        == "credentials"


@pytest.mark.parametrize("provider_id, first", [("web", "credentials"), ("psd2", "bank_notice")])
def test_single_channel_banks_ask_nothing(client, user, provider_id, first):
    w, page = open_widget(client, user, select_channel="true")
    assert screen(page) == "providers"
    assert screen(w.post("/widget/add_connection/provider", provider_id=provider_id)) == first


# multiple_channels
def test_multiple_channels_adds_the_other_channel_after_the_first(app, client, user, clock):
    w, page = open_widget(client, user, provider_id="demo", multiple_channels="true")
    assert screen(page) == "bank_notice"  # REDIRECT first
    through_bank(w)
    assert screen(w.resume()) == "accounts"
    page = w.post("/widget/add_connection/consent")
    assert screen(page) == "next_channel"
    assert screen(w.post("/widget/add_connection/next_channel")) == "credentials"
    page = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert screen(page) == "accounts"
    [connection] = connections(app, user)
    assert [c["channel_definition_id"] for c in connection["channels"]] == [
        "demo-redirect", "demo-embedded"]
    second = connection["channels"][1]["id"]
    assert listed_names(page) == sorted(
        a["name"] for a in accounts(app, user, connection["id"]) if a["channel_id"] == second)
    assert screen(w.post("/widget/add_connection/consent")) == "syncing"
    params = finish_sync(w, clock)
    assert params["result"] == "success" and params["connection_id"] == connection["id"]


def test_multiple_channels_the_other_channel_can_be_skipped(app, client, user, clock):
    w, _ = open_widget(client, user, provider_id="demo", multiple_channels="true")
    through_bank(w)
    w.resume()
    assert screen(w.post("/widget/add_connection/consent")) == "next_channel"
    assert screen(w.post("/widget/add_connection/skip_channel")) == "syncing"
    params = finish_sync(w, clock)
    [connection] = connections(app, user)
    assert params["result"] == "success" and params["connection_id"] == connection["id"]
    assert [c["channel_definition_id"] for c in connection["channels"]] == ["demo-redirect"]


# select_accounts
def selecting(client, user):
    w, _ = open_widget(client, user, provider_id="web", select_accounts="true")
    page = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert screen(page) == "accounts"
    return w, page


def test_select_accounts_shows_a_checklist(app, client, user):
    _, page = selecting(client, user)
    [connection] = connections(app, user)
    boxes = checkboxes(page)
    listed = sorted(a["id"] for a in accounts(app, user, connection["id"]))
    assert sorted(i for i, _ in boxes) == listed
    assert len(boxes) >= 2 and all(checked for _, checked in boxes)


@pytest.mark.parametrize("locale, message", [("fr", "Choisissez au moins un compte."),
                                             ("en", "Choose at least one account.")])
def test_select_accounts_needs_at_least_one(client, user, locale, message):
    w, _ = open_widget(client, user, provider_id="web", select_accounts="true", locale=locale)
    w.post("/widget/add_connection/credentials", login="demo", password="pw")
    page = w.post("/widget/add_connection/consent")
    assert page.status_code == 422 and screen(page) == "accounts"
    assert message in page_text(page) and 'role="alert"' in text(page)


def test_select_accounts_refuses_an_account_of_another_connection(app, client, user):
    with requests.post(app.live_url + "/sandbox/api/v2.1/connections", timeout=10, json={
            "provider_id": "demo", "channel_definition_id": "demo-embedded",
            "credentials": {"login": "demo", "password": "pw"}},
            headers={"Authorization": "Bearer " + user["access_token"]}) as created:
        assert created.status_code == 201
        other = created.json()["id"]  # at another bank: web's would be a duplicate (issue 13)
    w, _ = selecting(client, user)
    foreign = accounts(app, user, other)[0]["id"]
    page = w.post("/widget/add_connection/consent", account_id=foreign)
    assert page.status_code == 422 and screen(page) == "accounts"
    assert "Ce choix ne correspond pas à vos comptes" in page_text(page)


def test_select_accounts_consents_to_the_checked_ones_only(app, client, user, clock):
    w, page = selecting(client, user)
    [connection] = connections(app, user)
    chosen, *others = [i for i, _ in checkboxes(page)]
    assert screen(w.post("/widget/add_connection/consent", account_id=chosen)) == "syncing"
    status = {a["id"]: a["status"] for a in accounts(app, user, connection["id"])}
    assert status == {chosen: "ACTIVE", **{i: "PENDING_CONSENT" for i in others}}
    assert finish_sync(w, clock)["result"] == "success"


# Non-captive: back to the Client once the connection is accepted
def test_non_captive_embedded_returns_at_once(app, client, user):
    w, _ = open_widget(client, user, provider_id="web", captive_mode="false")
    params = returned(w.post("/widget/add_connection/credentials", login="demo", password="pw"))
    [connection] = connections(app, user)
    assert params["result"] == "success" and params["connection_id"] == connection["id"]


def test_non_captive_redirect_returns_at_once_after_the_bank(app, client, user):
    w, _ = open_widget(client, user, provider_id="psd2", captive_mode="false")
    assert through_bank(w).status_code == 303
    params = returned(w.resume())
    [connection] = connections(app, user)
    assert params["result"] == "success" and params["connection_id"] == connection["id"]
    assert {a["status"] for a in accounts(app, user, connection["id"])} == {"ACTIVE"}


# Challenges answered when no longer pending: where the run stands, never a 500
@pytest.mark.parametrize("how", ["answered", "approved_in_the_app", "after_consent"])
def test_an_answer_to_a_challenge_no_longer_pending(client, user, clock, how):
    login = "app" if how == "approved_in_the_app" else "otp"
    w, _ = open_widget(client, user, provider_id="psd2")
    through_bank(w, login)
    assert screen(w.resume()) == "challenge"
    expected = "accounts"
    if how == "approved_in_the_app":
        clock.advance(6)
    else:
        assert screen(w.post("/widget/add_connection/challenge", answer="123456")) == "accounts"
    if how == "after_consent":
        assert screen(w.post("/widget/add_connection/consent")) == "syncing"
        expected = "syncing"
    page = w.post("/widget/add_connection/challenge", answer="123456")
    assert page.status_code == 200 and screen(page) == expected


# Waiting screens
def test_app_validation_poller(client, user, clock, api_calls):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="app", password="pw")
    assert w.poll("challenge-wait").status_code == 204
    asked = len(api_calls)
    again = w.poll("challenge-wait")  # within the same second: the API is not asked again
    assert again.status_code == 204 and len(api_calls) == asked
    clock.advance(6)
    page = w.poll("challenge-wait")
    assert page.status_code == 200 and screen(page) == "accounts" and "<html" not in text(page)
    assert page.headers["HX-Retarget"] == "#screen"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_sync_progress_poller(client, user, clock, api_calls, locale):
    w, _ = open_widget(client, user, provider_id="web", locale=locale)
    w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert screen(w.post("/widget/add_connection/consent")) == "syncing"
    clock.advance(2)
    poll = w.poll("sync-progress")
    assert poll.status_code == 200 and text(poll).lstrip().startswith('<div id="sync-detail">')
    step, retrieved = PROGRESS[locale]
    assert step in page_text(poll) and retrieved in page_text(poll)
    asked = len(api_calls)
    again = w.poll("sync-progress")  # within the interval: the API is not asked, nothing new
    assert again.status_code == 204 and len(api_calls) == asked
    clock.advance(60)
    done = w.poll("sync-progress")
    assert done.status_code == 200 and returned(done)["result"] == "success"


def test_slow_sync_is_still_running_after_5_s_and_done_after_11_s(client, user, clock):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="slow", password="pw")
    w.post("/widget/add_connection/consent")
    clock.advance(5)
    poll = w.poll("sync-progress")
    assert poll.status_code == 200 and "HX-Redirect" not in poll.headers
    assert 'id="sync-detail"' in text(poll)
    clock.advance(6)
    assert returned(w.poll("sync-progress"))["result"] == "success"


def test_failed_sync_poller_shows_the_error_screen(client, user, clock):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="fail", password="pw")
    w.post("/widget/add_connection/consent")
    clock.advance(60)
    page = w.poll("sync-progress")
    assert page.status_code == 200 and screen(page) == "sync_failed"
    assert page.headers["HX-Retarget"] == "#screen"
    params = returned(w.post("/widget/add_connection/failed", htmx=True))
    assert params["result"] == "error" and params["error"] == "sync_failed"


# Steps posted out of order: where the run stands, never a 500
@pytest.mark.parametrize("path, form", [
    ("channel", {"channel_definition_id": "demo-embedded"}), ("bank", {}), ("next_channel", {}),
    ("skip_channel", {}), ("consent", {"account_id": "1"}), ("failed", {}),
    ("challenge", {"answer": "123456"}), ("credentials", {"login": "demo", "password": "pw"})])
def test_a_step_posted_out_of_order_lands_where_the_run_stands(client, user, path, form):
    w, page = open_widget(client, user)
    assert screen(page) == "providers"
    page = w.post("/widget/add_connection/" + path, **form)
    assert page.status_code == 200 and screen(page) == "providers"
