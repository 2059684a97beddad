"""The seven languages where a user reads text: the widget, the return contract's error
descriptions, the sandbox's terms, bank portal and challenges, and the playground."""
import json
import os

import pytest
from flask import g
from flask_babel import force_locale, ngettext

from tests.widget_driver import (RETURN, Widget, at_bank, create_session, open_widget, page_text,
                                 returned, screen, text, to_bank)
from widget.config import LANGUAGES, SettingError, settings_from_env
from widget.i18n import LANGUAGE_NAMES, select_locale
from widget.returns import ERROR_DESCRIPTIONS, error_description
from widget.sandbox import texts as sandbox_texts

# The heading of the bank list in each language: proof that a page is in that language.
CHOOSE_YOUR_BANK = {"fr": "Choisissez votre banque", "en": "Choose your bank",
                    "de": "Wählen Sie Ihre Bank", "es": "Elija su banco",
                    "it": "Scelga la sua banca", "nl": "Kies je bank", "pt": "Escolha o seu banco"}


def test_the_seven_languages_are_on_and_named_in_themselves():
    assert set(LANGUAGES) == {"fr", "en", "de", "es", "it", "nl", "pt"}
    assert list(LANGUAGE_NAMES) == list(LANGUAGES)  # the switch's order is the list's
    assert LANGUAGE_NAMES["de"] == "Deutsch" and LANGUAGE_NAMES["pt"] == "Português"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_bank_list_speaks_each_language_through_lng(client, user, lang):
    _, page = open_widget(client, user, query={"lng": lang})
    assert CHOOSE_YOUR_BANK[lang] in page_text(page)
    assert f'<html lang="{lang}"' in text(page)


def opened_with_browser_languages(client, user, accept_language):
    """A new session's widget, first opened by a browser that sends `accept_language`."""
    created = create_session(client, user, redirect_url=RETURN)
    w = Widget(client, created.get_json()["session_id"])
    return w.get("/widget/add_connection", headers={"Accept-Language": accept_language})


def test_accept_language_de_picks_german(client, user):
    page = opened_with_browser_languages(client, user, "de-DE,de;q=0.9,en;q=0.5")
    assert "Wählen Sie Ihre Bank" in page_text(page) and '<html lang="de"' in text(page)


@pytest.mark.parametrize("header, lang", [("pt-BR", "pt"), ("nl-BE,fr;q=0.5", "nl"),
                                          ("ja, es;q=0.3", "es"), ("ja", "fr")])
def test_accept_language_picks_the_best_of_the_seven_else_french(client, user, header, lang):
    page = opened_with_browser_languages(client, user, header)
    assert CHOOSE_YOUR_BANK[lang] in page_text(page)


def test_lng_nl_on_the_link_and_locale_pt_on_the_session(client, user):
    _, page = open_widget(client, user, query={"lng": "nl"})
    assert "Kies je bank" in page_text(page)
    w, page = open_widget(client, user, locale="pt")
    assert "Escolha o seu banco" in page_text(page) and '<html lang="pt"' in text(page)
    # The session's language holds for the next screens too, whatever the browser says.
    page = w.post("/widget/add_connection/provider", provider_id="web",
                  headers={"Accept-Language": "en"})
    assert screen(page) == "credentials"
    assert "Introduza as credenciais" in page_text(page)
    assert "Código de utilizador" in page_text(page)  # the sandbox bank's own field label


def test_an_unknown_locale_names_the_seven(client, user):
    response = create_session(client, user, locale="ja")
    assert response.status_code == 400
    assert response.get_json()["error_description"] == (
        "locale must be one of fr, en, de, es, it, nl, pt, optionally with a country: fr-FR, de-AT")


def test_return_error_description_in_italian(client, user):
    _, page = open_widget(client, user, provider_id="nope", locale="it")
    query = returned(page)
    assert query["error"] == "invalid_provider"
    assert query["error_description"] == "Questa banca non è conosciuta."


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_description_is_translated(app, lang):
    with app.test_request_context():
        for code in ERROR_DESCRIPTIONS:
            described = error_description(code, lang)
            assert described
            if lang != "en":
                assert described != error_description(code, "en"), (lang, code)


def test_default_language_setting_takes_each_language_and_names_them_when_wrong():
    for lang in LANGUAGES:
        assert settings_from_env({"DEFAULT_LANGUAGE": lang.upper()})["DEFAULT_LANGUAGE"] == lang
    with pytest.raises(SettingError, match="one of fr, en, de, es, it, nl, pt"):
        settings_from_env({"DEFAULT_LANGUAGE": "ja"})


# n=0, 1, 2 for each language: French counts 0 as singular, the six others as plural.
PLURALS = {
    "fr": ("0 banque", "1 banque", "2 banques"),
    "en": ("0 banks", "1 bank", "2 banks"),
    "de": ("0 Banken", "1 Bank", "2 Banken"),
    "es": ("0 bancos", "1 banco", "2 bancos"),
    "it": ("0 banche", "1 banca", "2 banche"),
    "nl": ("0 banken", "1 bank", "2 banken"),
    "pt": ("0 bancos", "1 banco", "2 bancos"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_of_each_language(app, lang):
    assert set(PLURALS) == set(LANGUAGES)
    with app.test_request_context(), force_locale(lang):
        rendered = tuple(ngettext("%(num)d bank", "%(num)d banks", n) for n in (0, 1, 2))
        accounts = tuple(ngettext("%(num)d account retrieved", "%(num)d accounts retrieved", n)
                         for n in (1, 2))
    assert rendered == PLURALS[lang]
    assert accounts[0] != accounts[1] and accounts[0].startswith("1 ")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sandbox_terms_in_each_language(client, new_user, lang):
    """The widget's terms screen shows the sandbox's terms in the session's language."""
    _, page = open_widget(client, new_user, locale=lang)
    assert screen(page) == "terms"
    terms = sandbox_texts.texts_in(lang)["terms"]
    assert terms["title"] in page_text(page)
    assert terms["paragraphs"][0] in page_text(page)


def test_the_sandbox_terms_in_spanish(client, new_user):
    _, page = open_widget(client, new_user, locale="es")
    assert "Condiciones de uso de Passerelle Sandbox" in page_text(page)
    assert "proveedor de servicios de información sobre cuentas" in page_text(page)
    assert "Acepto las condiciones" in page_text(page)  # the widget's own words around them


def test_every_language_has_the_sandbox_texts_of_french():
    assert set(sandbox_texts.TEXTS) == set(LANGUAGES)

    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        return len(value) if isinstance(value, list) else type(value)

    french = sandbox_texts.TEXTS["fr"]
    for lang, texts in sandbox_texts.TEXTS.items():
        assert shape(texts) == shape(french), lang
        assert "{client}" in texts["portal"]["authorize_text"], lang
        if lang != "fr":
            assert texts["terms"] != french["terms"], lang


def test_sandbox_files_are_valid_utf8_json():
    for lang in LANGUAGES:
        with open(os.path.join(sandbox_texts.DIRECTORY, lang + ".json"), encoding="utf-8") as fh:
            assert json.load(fh)["portal"]


def test_the_bank_portal_in_the_widgets_language(client, user):
    w, page = open_widget(client, user, provider_id="psd2", locale="de")
    assert screen(page) == "bank_notice" and "Weiter zu meiner Bank" in page_text(page)
    portal = to_bank(w)
    assert "lng=de" in portal
    login = client.get(portal)
    assert '<html lang="de"' in text(login)
    assert "Anmeldung zum Online-Banking" in page_text(login)
    assert "Anmeldename" in page_text(login)
    at_bank(client, portal)  # signs in and approves through the German pages


def test_a_challenge_in_german_takes_a_german_answer(client, user):
    w, _ = open_widget(client, user, provider_id="web", locale="de")
    page = w.post("/widget/add_connection/credentials", login="question", password="pw")
    assert screen(page) == "challenge"
    assert "Was ist Ihre Lieblingsfarbe?" in page_text(page)
    assert screen(w.post("/widget/add_connection/challenge", answer="Blau")) == "accounts"


def test_the_playground_offers_the_seven_languages(client):
    page = page_text(client.get("/?lng=it"))
    assert '<html lang="it"' in page
    for lang, name in LANGUAGE_NAMES.items():
        assert f'hreflang="{lang}"' in page  # the language switch
        selected = " selected" if lang == "it" else ""  # the page's language, named in the URL
        assert f'<option value="{lang}" lang="{lang}"{selected}>{name} ({lang})</option>' in page
    assert "Prova il widget" in page


def test_a_template_follows_the_locale_forced_in_the_middle_of_a_request(app):
    """Templates' `_()` keeps the request's translations, and changes with force_locale."""
    template = app.jinja_env.from_string('{{ _("Choose your bank") }}')
    with app.test_request_context("/?lng=de"):
        assert template.render() == CHOOSE_YOUR_BANK["de"]
        with force_locale("pt"):
            assert template.render() == CHOOSE_YOUR_BANK["pt"]
        assert template.render() == CHOOSE_YOUR_BANK["de"]


@pytest.mark.parametrize("query, run_locale, accepted, expected", [
    ("locale=de&lng=it", "es", "nl", "de"),  # the link's locale first
    ("lng=it", "es", "nl", "it"),
    ("lng=IT-ch", None, None, "it"),
    ("locale=ja&lng=pt-BR", None, None, "pt"),  # one not supported: the next
    ("locale=", "es", "nl", "es"),  # empty: the run's
    ("", "es-ES", "nl", "es"),
    ("", None, "ja, nl-BE;q=0.9, fr;q=0.5", "nl"),  # the browser's first supported
    ("", "ja", None, "fr"),  # nothing supported: the default
    ("q=caisse&page=2", None, None, "fr"),
])
def test_the_language_is_the_links_then_the_runs_then_the_browsers(app, query, run_locale,
                                                                  accepted, expected):
    headers = {"Accept-Language": accepted} if accepted else {}
    with app.test_request_context("/widget/add_connection/providers?" + query, headers=headers):
        if run_locale:
            g.run_locale = run_locale
        assert select_locale() == expected
