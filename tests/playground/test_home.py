"""The playground's home page: language, every session option, accessible and CSP-safe HTML."""
import re

from widget.playground.session_form import BOOLEAN_OPTIONS, TEXT_OPTIONS, WIDGETS


def test_home_is_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.get_data(as_text=True)


def test_home_in_english_with_lng_or_accept_language(client):
    assert '<html lang="en">' in client.get("/?lng=en").get_data(as_text=True)
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_language_is_kept_in_form_actions(client):
    page = client.get("/?lng=en").get_data(as_text=True)
    assert 'action="/playground/widget-session?lng=en"' in page
    assert 'action="/playground/user/new?lng=en"' in page


def test_form_offers_every_session_option(client, app):
    page = client.get("/").get_data(as_text=True)
    for name in (*TEXT_OPTIONS, *BOOLEAN_OPTIONS, "locale", "widget", "connection_id",
                 "send_refresh_token"):
        assert 'name="%s"' % name in page, name
    for widget in WIDGETS:
        assert 'value="%s"' % widget in page, widget
    assert 'value="%s/playground/return"' % app.live_url in page
    assert re.search(r'name="send_refresh_token"[^>]* checked', page)


def test_state_is_prefilled_with_a_random_value(client):
    states = [re.search(r'name="state" value="([^"]+)"', client.get("/").get_data(as_text=True))
              .group(1) for _ in range(2)]
    assert states[0] != states[1] and len(states[0]) >= 16


def test_every_field_has_a_label(client):
    page = client.get("/").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]* id="([^"]+)"', page)
    assert len(ids) > 15
    for field_id in ids:
        assert 'for="%s"' % field_id in page, field_id
    assert "<fieldset>" in page and "<legend>" in page
    assert 'aria-live="polite"' in page


def test_no_inline_script_or_style(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "style=" not in page and "<style" not in page
    # Scripts are static files only (htmx and playground.js), never inline code.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    # Fingerprinted names (tests/test_static_assets.py): the content's hash before the extension.
    assert [re.sub(r"\.[0-9a-f]{12}\.", ".<hash>.", attributes) for attributes, _ in scripts] == [
        ' src="/static/htmx-2.0.11.min.<hash>.js" defer', ' src="/static/playground.<hash>.js"']
    assert all(not body.strip() for _, body in scripts)
    assert page.count("<script") == 2
    assert re.search(r'href="/static/style\.[0-9a-f]{12}\.css"', page)
    assert re.search(r'href="/static/playground\.[0-9a-f]{12}\.css"', page)


def test_signed_out_page_offers_to_create_or_sign_in(client):
    page = client.get("/").get_data(as_text=True)
    assert 'action="/playground/user/new"' in page
    assert 'action="/playground/user/sign-in"' in page
    assert 'action="/playground/user/sign-out"' not in page


def test_home_text_is_french_by_default(client):
    """Needs the playground's strings in translations/fr (see widget/playground/messages-fr.po)."""
    page = client.get("/").get_data(as_text=True)
    assert "Essayez le widget de connexion bancaire" in page
    assert "Créer un utilisateur du bac à sable" in page
