"""The widget session form: a real POST /widget_session, then a 303 to the widget's link."""
import re
import time

import pytest

from widget.upstream import in_process
from tests.playground.playground_forms import csrf_of, session_form


def run_of(client):
    with client.session_transaction() as session:
        return session.get("playground_run"), session.get("playground_user")


def test_creates_a_session_and_redirects_to_the_widget(client, app, signed_in):
    response = client.post("/playground/widget-session", data=session_form(client, app))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(app.live_url + "/widget/add_connection?session_id=")
    run, _ = run_of(client)
    assert location.endswith("session_id=" + run["session_id"])
    assert run["state"] == "state-123" and run["widget"] == "add_connection"


def test_each_widget_choice_opens_its_link(client, app, signed_in):
    for widget, path in (("terms", "terms"), ("professional_account", "professional-account"),
                         ("manage_accounts", "manage_accounts")):
        response = client.post("/playground/widget-session",
                               data=session_form(client, app, widget=widget))
        assert response.status_code == 303
        expected = "%s/widget/%s?session_id=" % (app.live_url, path)
        assert response.headers["Location"].startswith(expected)


def test_connection_id_is_added_to_the_link(client, app, signed_in):
    response = client.post("/playground/widget-session", data=session_form(
        client, app, widget="edit_credentials", connection_id="conn-42"))
    assert response.status_code == 303
    assert "/widget/edit_credentials?session_id=" in response.headers["Location"]
    assert response.headers["Location"].endswith("&connection_id=conn-42")


def test_every_option_is_accepted_by_the_widget(client, app, signed_in):
    form = session_form(client, app, locale="en", provider_id="demo", country="fr",
                        channel_definition_id="demo-embedded", captive_mode="false",
                        select_accounts="true", multiple_channels="true", select_channel="false",
                        auto_sync="false", allow_duplicates="true", font="Georgia",
                        font_color="#123",
                        elements_color="#1f5fbf", theme="light",
                        aspsp_callback_uri=app.live_url + "/playground/return",
                        send_refresh_token=None)
    response = client.post("/playground/widget-session", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)


def test_the_widget_api_refusal_is_shown(client, app, signed_in):
    response = client.post("/playground/widget-session?lng=en", data=session_form(
        client, app, redirect_url="https://evil.example/back", font_color="red"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Creating the widget session: the request was refused." in page
    assert "HTTP 400 invalid_request" in page
    # What was typed is shown again, to be corrected.
    assert 'value="https://evil.example/back"' in page


def test_the_country_goes_to_the_widget_which_filters_its_list(client, app, signed_in):
    response = client.post("/playground/widget-session?lng=en",
                           data=session_form(client, app, country="DE"))
    assert response.status_code == 303
    terms = client.get(response.headers["Location"].removeprefix(app.live_url))
    assert 'data-screen="terms"' in terms.get_data(as_text=True)  # a new user: terms first
    bank_list = client.post("/widget/terms/accept", data={
        "session_id": response.headers["Location"].split("session_id=")[1],
        "csrf_token": csrf_of(terms)})
    page = bank_list.get_data(as_text=True)
    assert "Regionalbank Köln" in page and "Banque Démo" not in page
    refused = client.post("/playground/widget-session?lng=en",
                          data=session_form(client, app, country="Germany"))
    assert refused.status_code == 400
    assert "country must be an ISO 3166-1 alpha-2 code" in refused.get_data(as_text=True)
    assert 'value="Germany"' in refused.get_data(as_text=True)


def test_colours_that_do_not_suit_the_theme_are_refused_with_the_ratio(client, app, signed_in):
    response = client.post("/playground/widget-session?lng=en", data=session_form(
        client, app, theme="dark", font_color="#123"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("HTTP 400 invalid_request: font_color #123 has a contrast of 1.02:1 against the "
            "background #1b1f27 of the dark theme; at least 4.5:1 is needed") in page
    assert '<option value="dark" selected>' in page  # shown again, to be changed


@pytest.mark.parametrize("lng, expected", [
    ("en", "The theme must be the default, light, dark or the device&#39;s setting."),
    ("fr", "Le thème doit être celui par défaut, clair, sombre ou celui de l’appareil."),
])
def test_a_theme_not_in_the_list_is_refused_by_the_form(client, app, signed_in, lng, expected):
    response = client.post("/playground/widget-session?lng=" + lng,
                           data=session_form(client, app, theme="sepia"))
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)


def test_the_form_offers_every_theme(client, signed_in):
    page = client.get("/?lng=en").get_data(as_text=True)
    options = re.findall(r'<option value="(\w*)"[^>]*>([^<]+)</option>',
                         page.split('id="f-theme"')[1].split("</select>")[0])
    assert options == [("", "Default (the device's setting)"), ("light", "Light"),
                       ("dark", "Dark"), ("auto", "The device's setting (auto)")]


def test_bad_client_secret_is_shown(client, app, signed_in):
    app.config["PLAYGROUND_CLIENT_SECRET"] = "not-the-secret"
    response = client.post("/playground/widget-session?lng=en", data=session_form(client, app))
    assert response.status_code == 400
    assert "the demo client&#39;s credentials were refused" in response.get_data(as_text=True)
    assert "HTTP 401 invalid_client" in response.get_data(as_text=True)


def test_local_checks(client, app, signed_in):
    for overrides in ({"widget": "nope"}, {"captive_mode": "maybe"}, {"locale": "ja"},
                      {"connection_id": "../x"}):
        response = client.post("/playground/widget-session?lng=en",
                               data=session_form(client, app, **overrides))
        assert response.status_code == 400, overrides
        assert 'class="message message-error"' in response.get_data(as_text=True)


def test_a_language_the_widget_does_not_speak_is_refused_in_words(client, app, signed_in):
    response = client.post("/playground/widget-session?lng=en",
                           data=session_form(client, app, locale="ja"))
    assert response.status_code == 400
    assert "Choose one of the languages in the list, or none." in response.get_data(as_text=True)
    response = client.post("/playground/widget-session?lng=de",
                           data=session_form(client, app, locale="ja"))
    assert "Wählen Sie eine der Sprachen aus der Liste oder keine." in \
        response.get_data(as_text=True)


def test_needs_a_signed_in_user(client, app):
    response = client.post("/playground/widget-session?lng=en", data=session_form(client, app))
    assert response.status_code == 400
    assert "Sign in as a sandbox user" in response.get_data(as_text=True)


def test_rejects_a_bad_csrf_token(client, app, signed_in):
    for token in ("forged", None):
        response = client.post("/playground/widget-session?lng=en",
                               data=session_form(client, app, csrf_token=token))
        assert response.status_code == 400
        assert "This form has expired" in response.get_data(as_text=True)
    assert run_of(client)[0] is None


def test_tokens_near_expiry_are_refreshed_first(client, app, signed_in):
    with client.session_transaction() as session:
        user = session["playground_user"]
        before = user["access_token"], user["refresh_token"]
        session["playground_user"] = dict(user, expires_at=time.time() + 5)
    response = client.post("/playground/widget-session", data=session_form(client, app))
    assert response.status_code == 303
    _, user = run_of(client)
    assert (user["access_token"], user["refresh_token"]) != before
    assert user["expires_at"] > time.time() + 600


def test_a_refused_refresh_token_signs_out(client, app, signed_in):
    with client.session_transaction() as session:
        session["playground_user"] = dict(session["playground_user"], refresh_token="revoked",
                                          expires_at=time.time() + 5)
    response = client.post("/playground/widget-session?lng=en", data=session_form(client, app))
    assert response.status_code == 400
    assert "Sign in as a sandbox user" in response.get_data(as_text=True)
    assert run_of(client)[1] is None


def test_network_failure_is_a_message(client, app, signed_in, monkeypatch):
    form = session_form(client, app)
    # No thread to take the call to the widget's API: it never starts (a connect time-out).
    no_threads = in_process.CallPool("no-threads", lambda config: 0)
    monkeypatch.setattr(in_process, "APP_POOL", no_threads)
    app.config["UPSTREAM_CONNECT_TIMEOUT"] = 0.05
    response = client.post("/playground/widget-session?lng=en", data=form)
    assert response.status_code == 502
    assert "the server could not be reached" in response.get_data(as_text=True)
