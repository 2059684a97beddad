"""Theming that cannot break the widget: custom colours refused below WCAG contrast on the theme
in use (session and link), the `theme` option, and the stylesheets a page links for it."""
import re

import pytest

from tests.widget_driver import RETURN, Widget, create_session, open_widget, returned, text


def refusal(response):
    assert response.status_code == 400, text(response)
    body = response.get_json()
    assert body["error"] == "invalid_request"
    return body["error_description"]


def stylesheets(page):
    """The <link rel=stylesheet> tags of a page, without the assets' content hashes."""
    tags = re.findall(r'<link rel="stylesheet"[^>]*>', text(page))
    return [re.sub(r"\.[0-9a-f]{12}\.css", ".css", tag).replace("&amp;", "&") for tag in tags]


# --- POST /widget_session -----------------------------------------------------------------------
def test_invisible_text_is_refused_with_the_measured_ratio(client, user):
    description = refusal(create_session(client, user, theme="light", font_color="#ffffff"))
    assert description == ("font_color #ffffff has a contrast of 1.00:1 against the background "
                           "#ffffff of the light theme; at least 4.5:1 is needed")


@pytest.mark.parametrize("options, expected", [
    ({"theme": "light", "font_color": "#777"}, "font_color #777 has a contrast of 4.48:1 against "
                                               "the background #ffffff of the light theme"),
    ({"theme": "light", "elements_color": "#ffff00"}, "elements_color #ffff00 has a contrast of "
                                                      "1.07:1 against the background #ffffff"),
    ({"theme": "dark", "font_color": "#1d2330"}, "against the background #1b1f27 of the dark"),
    ({"theme": "dark", "elements_color": "#1f5fbf"}, "elements_color #1f5fbf has a contrast of "
                                                     "2.71:1 against the background #1b1f27"),
    # auto: the device picks, so a colour must suit both (here it fails on dark only)
    ({"font_color": "#123"}, "#1b1f27 of the dark theme (theme auto follows the device"),
    ({"theme": "auto", "elements_color": "#ffff00"}, "#ffffff of the light theme (theme auto"),
])
def test_colours_below_their_contrast_on_the_theme_in_use_are_refused(client, user, options,
                                                                       expected):
    description = refusal(create_session(client, user, **options))
    assert expected in description
    needed = "3" if "elements_color" in options else "4.5"
    assert description.endswith("at least %s:1 is needed" % needed)


def test_the_same_refusal_for_a_json_body(client, user):
    response = client.post("/widget_session", auth=("demo-client", "demo-secret"), json={
        "access_token": user["access_token"], "theme": "dark", "elements_color": "#000000"})
    assert "elements_color #000000 has a contrast of 1.27:1" in refusal(response)


@pytest.mark.parametrize("options", [
    {"theme": "light", "font_color": "#767676", "elements_color": "#949494"},  # 4.54 and 3.03
    {"theme": "dark", "font_color": "#ffffff", "elements_color": "#ffff00"},
    {"theme": "auto", "elements_color": "#3d7fd6"},  # 4.03:1 on light, 4.09:1 on dark
    {"theme": "DARK"},
])
def test_colours_that_keep_their_contrast_are_accepted(client, user, options):
    response = create_session(client, user, **options)
    assert response.status_code == 201, text(response)


@pytest.mark.parametrize("theme", ["sepia", "", "light dark", "dark\n", " dark"])
def test_a_theme_is_light_dark_or_auto(client, user, theme):
    response = create_session(client, user, theme=theme)
    if theme == "":
        assert response.status_code == 201  # an empty field is no option, as for the others
    else:
        assert refusal(response) == "theme must be light, dark or auto"


# --- The widget link's `theme` ------------------------------------------------------------------
def session(client, user, **options):
    created = create_session(client, user, redirect_url=RETURN, **options)
    assert created.status_code == 201, text(created)
    return Widget(client, created.get_json()["session_id"])


def test_a_link_may_change_the_theme_when_the_colours_suit_it(client, user):
    w = session(client, user, theme="dark", font_color="#f0f0f0")
    page = w.get("/widget/add_connection", theme="dark")
    assert page.status_code == 200 and 'data-screen="providers"' in text(page)


def test_a_link_whose_theme_the_colours_do_not_suit_ends_with_invalid_request(client, user):
    w = session(client, user, theme="dark", font_color="#f0f0f0")  # light text for a dark page
    params = returned(w.get("/widget/add_connection", theme="light"))
    assert params["result"] == "error" and params["error"] == "invalid_request"
    params = returned(w.get("/widget/add_connection", theme="auto"))
    assert params["error"] == "invalid_request"


@pytest.mark.parametrize("theme", ["light\n", "sepia", "Dark "])
def test_a_link_with_a_theme_that_is_not_one_ends_with_invalid_request(client, user, theme):
    w = session(client, user, theme="light")
    params = returned(w.get("/widget/add_connection", theme=theme))
    assert params["result"] == "error" and params["error"] == "invalid_request"


def test_without_the_newline_the_same_link_opens(client, user):
    w = session(client, user, theme="light")
    assert w.get("/widget/add_connection", theme="light").status_code == 200


# --- What a page links for its theme ------------------------------------------------------------
def page_theme(page):
    """The theme the page's <html> names, which picks style.css's palette."""
    return re.search(r'<html lang="\w+" data-theme="(\w+)">', text(page)).group(1)


def test_auto_takes_the_dark_palette_on_a_device_in_dark_mode(client, user):
    _, page = open_widget(client, user)
    assert page_theme(page) == "auto"
    assert stylesheets(page) == ['<link rel="stylesheet" href="/static/style.css">']


def test_dark_takes_the_dark_palette_on_every_device_and_light_does_not(client, user):
    _, dark = open_widget(client, user, theme="dark")
    assert page_theme(dark) == "dark"
    _, light = open_widget(client, user, theme="light")
    assert page_theme(light) == "light"
    assert stylesheets(dark) == stylesheets(light) == [
        '<link rel="stylesheet" href="/static/style.css">']


def test_the_links_theme_is_the_pages(client, user):
    w = session(client, user, theme="light", elements_color="#5c6bc0")  # 4.86:1 light, 3.40 dark
    page = w.get("/widget/add_connection", theme="dark")
    assert page_theme(page) == "dark"
    sheets = stylesheets(page)
    assert re.fullmatch(r'<link rel="stylesheet" href="/widget/theme.css\?session_id=[\w-]+'
                        r'&theme=dark">', sheets[1])


def test_the_dark_palette_is_in_the_one_stylesheet(client):
    """For theme=dark always, for theme=auto on a device in dark mode; the session's colours
    (theme.css, linked after it) still override it: the same weight, a later sheet."""
    with client.get("/static/style.css") as response:
        assert response.status_code == 200 and response.mimetype == "text/css"
        css = text(response)
    assert '[data-theme="dark"] {\n  color-scheme: dark;' in css
    assert '@media (prefers-color-scheme: dark) {\n  [data-theme="auto"] {' in css
    assert "dark.css" not in css and client.get("/static/dark.css").status_code == 404


# --- theme.css: the session's colours and what derives from them --------------------------------
def theme_css(client, w, theme=None):
    query = {"session_id": w.session_id, **({"theme": theme} if theme else {})}
    response = client.get("/widget/theme.css", query_string=query)
    assert response.status_code == 200 and response.mimetype == "text/css"
    return text(response)


@pytest.mark.parametrize("theme, accent, on_accent", [
    ("light", "#1f5fbf", "#ffffff"), ("light", "#000080", "#ffffff"),
    ("light", "#b8860b", "#000000"),  # dark goldenrod: 3.25:1 on white, black text on it
    ("dark", "#ffff00", "#000000"), ("dark", "#8ab4f8", "#000000"),
    ("dark", "#e0457b", "#000000"), ("dark", "#d81b60", "#ffffff"),
])
def test_the_text_on_the_accent_is_picked_from_its_luminance(client, user, theme, accent,
                                                             on_accent):
    css = theme_css(client, session(client, user, theme=theme, elements_color=accent))
    assert "--accent: %s;" % accent in css
    assert "--accent-text: %s;" % on_accent in css


def test_an_accent_too_faint_for_text_leaves_text_to_the_text_colour(client, user):
    faint = theme_css(client, session(client, user, theme="light", elements_color="#b8860b"))
    assert "--accent-ink: var(--text);" in faint  # 3.25:1: fine for a border, not for a label
    strong = theme_css(client, session(client, user, theme="light", elements_color="#1a6b3c"))
    assert "--accent-ink: #1a6b3c;" in strong


def test_auto_derives_the_accent_for_each_palette(client, user):
    css = theme_css(client, session(client, user, elements_color="#3d7fd6"))
    light, dark = css.split("@media (prefers-color-scheme: dark)")
    assert "--accent: #3d7fd6;" in light and "--accent-ink: var(--text);" in light  # 4.03:1
    assert "--accent-ink: var(--text);" in dark and "--accent:" not in dark


def test_theme_css_follows_the_links_theme(client, user):
    w = session(client, user, theme="light", elements_color="#1a6b3c")
    assert "@media" not in theme_css(client, w)
    assert "--accent-ink: var(--text);" in theme_css(client, w, "dark")  # 2.5:1 on dark
    assert "@media (prefers-color-scheme: dark)" in theme_css(client, w, "auto")
