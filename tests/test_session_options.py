import pytest

from widget.session_options import (OVERRIDABLE, InvalidOption, parse_bool, parse_options,
                                     with_defaults)


def allow_local(url):
    """Plays the client registry: the normalised URL when registered, else None."""
    return url.lower() if url.startswith("http://localhost") else None


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("TRUE", True), ("1", True), (True, True),
    ("false", False), ("False", False), ("0", False), (False, False),
])
def test_booleans(value, expected):
    assert parse_bool("captive_mode", value) is expected


@pytest.mark.parametrize("values, message", [
    ({"captive_mode": "maybe"}, "captive_mode"),
    ({"select_accounts": "yes"}, "select_accounts"),
    ({"font_color": "red;}"}, "font_color"),
    ({"elements_color": "#12345"}, "elements_color"),
    ({"font": "Arial; background:url(x)"}, "font"),
    ({"redirect_url": "https://evil.example/"}, "redirect_url"),
    ({"redirect_uri": "javascript:alert(1)"}, "redirect_url"),
    ({"aspsp_callback_uri": "https://evil.example/"}, "aspsp_callback_uri"),
    ({"locale": "ja"}, "locale must be one of fr, en, de, es, it, nl, pt"),
    ({"state": "x" * 501}, "state"),
    ({"theme": "sepia"}, "theme must be light, dark or auto"),
    ({"theme": "dark\n"}, "theme must be"),
    ({"theme": "light", "font_color": "#777"}, "font_color #777 has a contrast of 4.48:1"),
    ({"theme": "light", "elements_color": "#ffff00"}, "elements_color #ffff00 has a contrast"),
])
def test_bad_options_are_refused(values, message):
    with pytest.raises(InvalidOption, match=message):
        parse_options(values, allow_local)


@pytest.mark.parametrize("raw, parsed", [("true", True), ("1", True), ("false", False)])
def test_allow_duplicates_is_a_boolean_and_a_link_may_override_it(raw, parsed):
    assert parse_options({"allow_duplicates": raw}, allow_local) == {"allow_duplicates": parsed}
    assert parse_options({"allow_duplicates": raw}, allow_local, only=OVERRIDABLE) == {
        "allow_duplicates": parsed}


def test_a_bad_allow_duplicates_is_refused():
    with pytest.raises(InvalidOption, match="allow_duplicates must be true, false, 1 or 0"):
        parse_options({"allow_duplicates": "sometimes"}, allow_local)


def test_good_options_and_defaults():
    options = with_defaults(parse_options({
        "redirect_uri": "http://localhost:5000/r", "lng": "EN", "state": "s1",
        "captive_mode": "0", "font_color": "#abc", "elements_color": "#A1B2C3", "font": "Open Sans",
        "provider_id": "web", "theme": "Dark"}, allow_local))
    assert options == {
        "redirect_url": "http://localhost:5000/r", "locale": "en", "state": "s1",
        "captive_mode": False, "select_accounts": False, "multiple_channels": False,
        "select_channel": False, "auto_sync": True, "allow_duplicates": False, "font_color": "#abc",
        "elements_color": "#A1B2C3", "font": "Open Sans", "provider_id": "web", "theme": "dark"}


def test_the_theme_follows_the_device_by_default():
    assert with_defaults(parse_options({}, allow_local))["theme"] == "auto"


def test_only_the_normalised_urls_are_kept():
    options = parse_options({"redirect_url": "http://localhost:5000/R",
                             "aspsp_callback_uri": "http://localhost:5000/Host"}, allow_local)
    assert options == {"redirect_url": "http://localhost:5000/r",
                       "aspsp_callback_uri": "http://localhost:5000/host"}


def test_only_limits_to_overrides():
    assert parse_options({"state": "s", "provider_id": "web"}, allow_local, only=("provider_id",)) \
        == {"provider_id": "web"}
