"""The walking skeleton's journey in a real browser, with and without JavaScript, in fr and en."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import sandbox_user

pytestmark = pytest.mark.browser

TEXTS = {
    "fr": {"accept": "J’accepte les conditions", "search": "Rechercher une banque", "connect": "Se connecter",
           "login": "Identifiant", "password": "Mot de passe", "sms": "Code reçu par SMS",
           "confirm": "Valider", "agree": "J’accepte et je continue", "search_button": "Rechercher",
           "refused": "Votre banque a refusé ces identifiants"},
    "en": {"accept": "I accept the terms", "search": "Search for a bank", "connect": "Connect",
           "login": "Login", "password": "Password", "sms": "Code received by SMS",
           "confirm": "Confirm", "agree": "I agree and continue", "search_button": "Search",
           "refused": "Your bank refused these credentials"},
}


def widget_link(app, user, **options):
    import requests

    response = requests.post(app.live_url + "/widget_session", auth=("demo-client", "demo-secret"), timeout=10,
                             data={"access_token": user["access_token"], "refresh_token": user["refresh_token"],
                                   "redirect_url": app.live_url + "/playground/return", **options})
    assert response.status_code == 201, response.text
    return response.json()["_links"]["add_connection"]


def result_of(page):
    page.wait_for_url(re.compile(r".*/playground/return\?.*"), timeout=30000)
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def settled(page):
    """Wait until htmx has no request, swap or settle under way (a person is never that fast)."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
    return page


def press(page, role_name, **kwargs):
    page.get_by_role("button", name=role_name, **kwargs).click()
    settled(page)


def assert_focus_on_new_screen(page, javascript):
    if javascript:  # after an htmx swap, focus lands on the new content
        expect(page.locator("#screen :focus")).to_have_count(1)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_whole_journey(live_app, page_for, javascript, lang):
    t = TEXTS[lang]
    user = sandbox_user(live_app)
    link = widget_link(live_app, user, state="st-" + lang)
    if lang == "en":
        link += "&lng=en"
    page = page_for(javascript=javascript)
    page.goto(link)
    press(page, t["accept"])
    page.get_by_label(t["search"]).fill("en ligne")
    if javascript:  # live search: the list narrows without submitting
        expect(page.locator("#provider-results .provider")).to_have_count(1)
        settled(page)
    else:
        press(page, t["search_button"], exact=True)
    assert page.locator("#provider-results .provider").count() == 1
    press(page, re.compile("Banque en Ligne"))
    page.get_by_label(t["login"]).fill("otp")
    page.get_by_label(t["password"]).fill("secret-pw")
    press(page, t["connect"], exact=True)
    page.get_by_label(t["sms"]).fill("123456")
    assert_focus_on_new_screen(page, javascript)
    press(page, t["confirm"])
    press(page, t["agree"])
    # The loading screen announces its progress to screen readers.
    page.locator("#sync-progress[role=status][aria-live=polite]").wait_for()
    params = result_of(page)
    assert params["result"] == "success" and params["state"] == "st-" + lang
    assert params["widget"] == "add_connection" and params["connection_id"]


def test_wrong_password_then_retry(live_app, page_for, javascript):
    t = TEXTS["fr"]
    user = sandbox_user(live_app, accept_terms=True)
    page = page_for(javascript=javascript)
    page.goto(widget_link(live_app, user, provider_id="web"))
    page.get_by_label(t["login"]).fill("demo")
    page.get_by_label(t["password"]).fill("wrong")
    press(page, t["connect"], exact=True)
    page.get_by_role("alert").filter(has_text=t["refused"]).wait_for()
    assert page.get_by_label(t["login"]).input_value() == "demo"
    assert page.get_by_label(t["password"]).input_value() == ""
    page.get_by_label(t["password"]).fill("good-pw")
    press(page, t["connect"], exact=True)
    press(page, t["agree"])
    assert result_of(page)["result"] == "success"


def test_keyboard_only(live_app, page_for):
    t = TEXTS["en"]
    user = sandbox_user(live_app, accept_terms=True)
    page = page_for(javascript=True, locale="en-US")
    page.goto(widget_link(live_app, user, provider_id="web"))
    page.get_by_label(t["login"]).wait_for()
    expect(page.locator("#field-login")).to_be_focused()  # autofocus
    page.keyboard.type("demo")
    page.keyboard.press("Tab")
    page.keyboard.type("pw")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=t["agree"]).wait_for()
    settled(page)
    assert_focus_on_new_screen(page, True)
    page.get_by_role("button", name=t["agree"]).focus()
    # The focus ring is visible: an outline is drawn on the focused button.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert result_of(page)["result"] == "success"
