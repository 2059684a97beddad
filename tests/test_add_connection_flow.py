"""AddConnectionFlow driven directly, over a scripted in-memory Accounts API."""
import pytest

from tests.fakes import add_connection_flow, connect_embedded, through_the_bank
from widget.flows.steps import Finish, Screen


def test_list_then_credentials_then_accounts_then_sync():
    flow, api, run, events = add_connection_flow()
    assert flow.start().name == "providers"
    screen = flow.choose_provider("web")
    assert screen.name == "credentials" and run.step == "credentials"
    screen = connect_embedded(flow)
    assert screen.name == "accounts" and run.connection_id == "c1"
    screen = flow.consent()
    assert screen.name == "syncing" and ("synchronize", "c1") in api.calls
    api.emit("SYNC_SUCCESS", accounts_retrieved=1)
    assert flow.poll() == Finish("success", connection_id="c1")
    names = [name for name, _ in events]
    assert names == ["SELECT_PROVIDER", "SELECT_CHANNEL", "SUBMIT_CREDENTIALS", "CONNECTION_CREATED",
                     "CONSENT_ACCEPTED", "SYNC_STARTED", "SYNC_FINISHED"]
    assert all("password" not in str(data) and "pw" not in str(data.values()) for _, data in events)


def test_sync_progress_comes_from_the_event_queue_of_this_connection_only():
    flow, api, run, _ = add_connection_flow(provider_id="web")
    flow.start()
    connect_embedded(flow)
    flow.consent()
    assert run.event_cursor == "1"  # events from before the sync are skipped
    api.emit("SYNC_PROGRESS", step=1, steps_total=3, accounts_retrieved=1)
    api.queue.append({"id": "99", "name": "SYNC_SUCCESS", "connection_id": "other", "data": {}})
    screen = flow.poll()
    assert screen.name == "syncing"
    assert screen.context["progress"] == {"step": 1, "steps_total": 3, "accounts_retrieved": 1}
    assert run.event_cursor == "99"


def test_a_second_poll_within_a_second_asks_the_api_nothing():
    flow, api, run, _ = add_connection_flow(provider_id="web")
    flow.start()
    connect_embedded(flow)
    flow.consent()
    flow.clock = lambda: 5000.0
    flow.poll()
    asked = len(api.calls)
    assert flow.poll().name == "syncing"
    assert len(api.calls) == asked


def test_failed_sync_shows_a_screen_then_ends_in_error():
    flow, api, run, events = add_connection_flow(provider_id="web")
    flow.start()
    connect_embedded(flow)
    flow.consent()
    api.emit("SYNC_FAILED", error="bank_error")
    assert flow.poll().name == "sync_failed"
    assert flow.resume().name == "sync_failed"
    assert flow.leave_failed() == Finish("error", "sync_failed", "c1")
    assert ("SYNC_FINISHED", {"connection_id": "c1", "result": "error", "error": "bank_error"}) in events


def test_a_challenge_during_the_sync_is_shown():
    flow, api, run, _ = add_connection_flow(provider_id="web")
    flow.start()
    connect_embedded(flow)
    flow.consent()
    api.channels[-1].update(status="CHALLENGE_REQUIRED", challenge={
        "id": "k2", "type": "SMS_CODE", "status": "PENDING", "label": {}})
    api.emit("CHALLENGE_REQUIRED")
    assert flow.poll().name == "challenge"
    assert flow.submit_challenge("123456").name == "syncing"


def test_wrong_password_keeps_login_never_password_and_allows_retry():
    flow, api, run, _ = add_connection_flow(provider_id="web")
    flow.start()
    screen = flow.submit_credentials({"login": "demo", "password": "wrong"})
    assert screen.name == "credentials" and screen.status == 422
    assert screen.context["error"] == "auth_failed"
    assert screen.context["values"] == {"login": "demo"}
    assert connect_embedded(flow).name == "accounts"


@pytest.mark.parametrize("form, errors", [
    ({"login": "", "password": "x"}, {"login": "required"}),
    ({"login": "a", "password": "  "}, {"password": "required"}),
    ({"login": "a" * 300, "password": "x"}, {"login": "too_long"}),
    ({}, {"login": "required", "password": "required"}),
])
def test_credential_form_checks_fields_before_calling_the_bank(form, errors):
    flow, api, _, _ = add_connection_flow(provider_id="web")
    flow.start()
    screen = flow.submit_credentials(form)
    assert screen.context["field_errors"] == errors and screen.status == 422
    assert not [c for c in api.calls if c[0] == "create_connection"]


def test_sms_challenge_wrong_then_right():
    flow, api, run, events = add_connection_flow(provider_id="web")
    flow.start()
    screen = connect_embedded(flow, "otp")
    assert screen.name == "challenge" and screen.context["challenge"]["type"] == "SMS_CODE"
    screen = flow.submit_challenge("000000")
    assert screen.name == "challenge" and screen.context["error"] == "challenge_failed"
    assert flow.submit_challenge("123456").name == "accounts"
    assert flow.submit_challenge("123456").name == "accounts"  # no longer pending: where it stands
    assert [n for n, _ in events].count("CHALLENGE_REQUIRED") == 1


def test_an_expired_challenge_ends_with_its_own_code():
    flow, api, run, _ = add_connection_flow(provider_id="web")
    flow.start()
    connect_embedded(flow, "otp")
    api.channels[-1]["challenge"]["status"] = "EXPIRED"
    assert flow.poll() == Finish("error", "challenge_expired", "c1")


def test_resubmission_creates_one_connection():
    flow, api, run, _ = add_connection_flow(provider_id="web")
    flow.start()
    connect_embedded(flow)
    assert connect_embedded(flow).name == "accounts"
    assert len([c for c in api.calls if c[0] == "create_connection"]) == 1


@pytest.mark.parametrize("options, expected", [
    ({"provider_id": "nope"}, Finish("error", "invalid_provider")),
    ({"provider_id": "web", "channel_definition_id": "demo-redirect"}, Finish("error", "invalid_channel")),
    ({"provider_id": "web", "channel_definition_id": "nope"}, Finish("error", "invalid_channel")),
])
def test_invalid_forced_ids_end_with_error(options, expected):
    flow, *_ = add_connection_flow(**options)
    assert flow.start() == expected


def test_a_forced_channel_of_another_bank_picked_from_the_list_ends_with_error():
    flow, *_ = add_connection_flow(channel_definition_id="demo-redirect")
    assert flow.choose_provider("web") == Finish("error", "invalid_channel")


def test_unknown_provider_picked_from_list_stays_on_list():
    flow, *_ = add_connection_flow()
    screen = flow.choose_provider("nope")
    assert screen.name == "providers" and screen.context["error"] == "invalid_provider"


def test_bank_down_offers_retry():
    flow, _, run, _ = add_connection_flow()
    screen = flow.choose_provider("down")
    assert screen == Screen("provider_down", {"provider_id": "down"}, status=503)


# REDIRECT (PSD2)
def test_redirect_channel_comes_first_then_the_bank_then_accounts():
    flow, api, run, events = add_connection_flow()
    screen = through_the_bank(flow, api, "demo")
    assert screen.name == "accounts"
    assert ("create_connection", "demo-redirect") in api.calls
    assert [n for n, _ in events] == ["SELECT_PROVIDER", "SELECT_CHANNEL", "REDIRECT_TO_PROVIDER",
                                      "PROVIDER_CALLBACK", "CONNECTION_CREATED"]


def test_a_second_click_on_the_bank_button_keeps_the_same_state():
    flow, api, run, _ = add_connection_flow(provider_id="psd2")
    flow.start()
    flow.go_to_bank("state-1", "http://widget.test/callback", "en")
    flow.go_to_bank("state-2", "http://widget.test/callback", "en")
    assert run.bank_state == "state-1"


@pytest.mark.parametrize("state", ["", "state-2", "STATE-1", "state-1 "])
def test_the_callback_accepts_only_the_state_it_issued(state):
    flow, api, run, _ = add_connection_flow(provider_id="psd2")
    flow.start()
    flow.go_to_bank("state-1", "http://widget.test/callback", "fr")
    assert flow.bank_callback(state, "code-state-1", "", "http://widget.test/callback") is None
    assert not [c for c in api.calls if c[0] == "create_connection"]


def test_the_callback_is_accepted_once():
    flow, api, run, _ = add_connection_flow(provider_id="psd2")
    flow.start()
    flow.go_to_bank("state-1", "http://widget.test/callback", "fr")
    assert flow.bank_callback("state-1", "code-state-1", "", "http://widget.test/callback").name == "accounts"
    assert flow.bank_callback("state-1", "code-state-1", "", "http://widget.test/callback") is None
    assert len([c for c in api.calls if c[0] == "create_connection"]) == 1


@pytest.mark.parametrize("error, code, expected", [
    ("access_denied", "", "bank_denied"),
    ("server_error", "", "bank_error"),
    ("", "", "bank_error"),
    ("", "forged-code", "bank_error"),
])
def test_a_refusal_or_a_bad_code_at_the_bank_ends_with_error(error, code, expected):
    flow, api, run, _ = add_connection_flow(provider_id="psd2")
    flow.start()
    flow.go_to_bank("state-1", "http://widget.test/callback", "fr")
    assert flow.bank_callback("state-1", code, error, "http://widget.test/callback") == Finish("error", expected)


def test_an_authorize_url_that_is_not_a_web_page_is_refused():
    flow, api, run, _ = add_connection_flow(provider_id="psd2")
    flow.start()
    api.authorize_url = lambda *a, **k: {"authorize_url": "javascript:alert(1)"}
    assert flow.go_to_bank("s", "http://widget.test/callback", "fr").name == "upstream_error"


# select_channel
def test_select_channel_asks_which_accounts_then_follows_the_choice():
    flow, api, run, events = add_connection_flow(select_channel=True)
    screen = flow.choose_provider("demo")
    assert screen.name == "channel_choice"
    assert [d["mode"] for d in screen.context["definitions"]] == ["REDIRECT", "EMBEDDED"]
    assert flow.choose_channel("web-embedded").status == 422  # not one of this bank's
    assert flow.choose_channel("demo-embedded").name == "credentials"
    assert run.queue == []


def test_select_channel_with_one_channel_asks_nothing():
    flow, *_ = add_connection_flow(select_channel=True)
    assert flow.choose_provider("web").name == "credentials"


# multiple_channels
def test_multiple_channels_invites_to_add_the_second_after_the_first():
    flow, api, run, events = add_connection_flow(multiple_channels=True)
    through_the_bank(flow, api, "demo")
    screen = flow.consent()
    assert screen.name == "next_channel" and screen.context["definition"]["id"] == "demo-embedded"
    assert flow.add_next_channel().name == "credentials"
    screen = connect_embedded(flow)
    assert screen.name == "accounts"
    assert [a["channel_id"] for a in screen.context["accounts"]] == ["ch2"]
    assert ("add_channel", "demo-embedded") in api.calls
    assert flow.consent().name == "syncing"
    assert "CHANNEL_ADDED" in [n for n, _ in events]


def test_multiple_channels_second_one_can_be_skipped():
    flow, api, run, _ = add_connection_flow(multiple_channels=True)
    through_the_bank(flow, api, "demo")
    flow.consent()
    assert flow.skip_next_channel().name == "syncing"
    assert not [c for c in api.calls if c[0] == "add_channel"]


def test_a_refusal_at_the_bank_for_the_second_channel_offers_it_again():
    flow, api, run, _ = add_connection_flow(multiple_channels=True, select_channel=True)
    flow.choose_provider("demo")
    flow.choose_channel("demo-embedded")
    connect_embedded(flow)
    assert flow.consent().name == "next_channel"
    assert flow.add_next_channel().name == "bank_notice"
    flow.go_to_bank("s2", "http://widget.test/callback", "fr")
    screen = flow.bank_callback("s2", "", "access_denied", "http://widget.test/callback")
    assert screen.name == "next_channel" and screen.context["error"] == "bank_denied"
    assert flow.resume().context["error"] == "bank_denied"  # where the widget reopens
    assert flow.resume().context["error"] is None  # said once


# select_accounts
def test_select_accounts_consents_to_the_checked_ones_only():
    flow, api, run, events = add_connection_flow(provider_id="web", select_accounts=True)
    flow.start()
    screen = connect_embedded(flow)
    assert screen.context["select"] and screen.context["chosen"] == {"a-ch1"}
    asked = len(api.calls)
    assert flow.consent([]).context["error"] == "none_selected"
    assert api.calls[asked:] == [("accounts", "c1")]  # the list read once for check and screen
    assert flow.consent(["a-ch1", "a-other"]).context["error"] == "invalid_selection"
    assert flow.consent(["a-ch1"]).name == "syncing"
    assert ("set_consents", ["a-ch1"]) in api.calls
    assert ("SELECT_ACCOUNTS", {"connection_id": "c1", "account_ids": ["a-ch1"], "count": 1}) in events


def test_select_accounts_over_two_channels_adds_up_the_consents():
    flow, api, run, _ = add_connection_flow(multiple_channels=True, select_accounts=True)
    through_the_bank(flow, api, "demo")
    flow.consent(["a-ch1"])
    flow.add_next_channel()
    connect_embedded(flow)
    assert flow.consent(["a-ch1"]).context["error"] == "invalid_selection"  # not this channel's
    flow.consent(["a-ch2"])
    assert ("set_consents", ["a-ch1", "a-ch2"]) in api.calls


# Non-captive
def test_non_captive_returns_once_credentials_are_accepted():
    flow, api, *_ = add_connection_flow(provider_id="web", captive_mode=False)
    flow.start()
    assert connect_embedded(flow) == Finish("success", connection_id="c1")
    assert ("set_consents", "all") in api.calls and ("synchronize", "c1") in api.calls


def test_non_captive_with_select_accounts_still_asks_for_the_accounts():
    flow, api, *_ = add_connection_flow(provider_id="web", captive_mode=False, select_accounts=True)
    flow.start()
    assert connect_embedded(flow).name == "accounts"
    assert flow.consent(["a-ch1"]) == Finish("success", connection_id="c1")


def test_without_auto_sync_the_widget_ends_after_consent():
    flow, api, *_ = add_connection_flow(provider_id="web", auto_sync=False)
    flow.start()
    connect_embedded(flow)
    assert flow.consent() == Finish("success", connection_id="c1")
    assert not [c for c in api.calls if c[0] == "synchronize"]


def test_search_is_trimmed_and_bounded():
    flow, api, *_ = add_connection_flow()
    flow.providers(search="  x" * 100)
    assert len(api.calls[-1][1]) == 100
