"""The options of a widget session (DESIGN.md section 3), parsed and checked."""
import re

from widget.config import LANGUAGES
from widget.countries import country_code, split_locale
from widget.theme import DEFAULT_THEME, THEMES, contrast_problem

BOOLEAN_DEFAULTS = {
    "captive_mode": True,
    "select_accounts": False,
    "multiple_channels": False,
    "select_channel": False,
    "auto_sync": True,
    # Issue 13 part 5: a bank the user is already connected to offers to update that
    # connection; only with this may the user add a second one anyway.
    "allow_duplicates": False,
}
# Options a widget link's query string may override for one run (DESIGN.md section 4).
OVERRIDABLE = ("provider_id", "channel_definition_id", "captive_mode", "select_accounts",
               "multiple_channels", "select_channel", "allow_duplicates", "locale",
               "redirect_url", "theme")
# Used with fullmatch: `$` would also match before a final newline ("Arial\n").
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
FONT = re.compile(r"[A-Za-z0-9 -]{1,40}")
TRUE, FALSE = {"true", "1"}, {"false", "0"}


class InvalidOption(ValueError):
    """An option that cannot be accepted; `str()` says which and why (for developers)."""


def parse_bool(name, value):
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InvalidOption(f"{name} must be true, false, 1 or 0")


def _first(values, *names):
    for name in names:
        value = values.get(name)
        if value is not None and value != "":
            return value
    return None


def parse_options(values, normalised_redirect, only=None):
    """Options found in `values` (a mapping), checked; `normalised_redirect(url)` vets URLs.

    It answers the URL a browser will load, or None when that is not registered; only its
    answer is kept, so the widget redirects exactly where it checked.
    `only` limits parsing to those names (the per-run overrides). Raises InvalidOption.
    """
    wanted = set(only or ("state", "font", "font_color", "elements_color", "aspsp_callback_uri",
                          "country", *OVERRIDABLE, *BOOLEAN_DEFAULTS))
    options = {}
    for name in BOOLEAN_DEFAULTS:
        if name in wanted and _first(values, name) is not None:
            options[name] = parse_bool(name, values[name])
    if "redirect_url" in wanted:
        url = _first(values, "redirect_url", "redirect_uri")
        if url is not None:
            options["redirect_url"] = normalised_redirect(url)
            if options["redirect_url"] is None:
                raise InvalidOption("redirect_url is not registered for this client")
    if "aspsp_callback_uri" in wanted and _first(values, "aspsp_callback_uri") is not None:
        options["aspsp_callback_uri"] = normalised_redirect(values["aspsp_callback_uri"])
        if options["aspsp_callback_uri"] is None:
            raise InvalidOption("aspsp_callback_uri is not registered for this client")
    if "country" in wanted and _first(values, "country") is not None:
        options["country"] = country_code(values["country"])
        if options["country"] is None:
            raise InvalidOption("country must be an ISO 3166-1 alpha-2 code, such as FR or BE")
    if "locale" in wanted:
        locale = _first(values, "locale", "lng")
        if locale is not None:
            language, region = split_locale(str(locale))
            country = country_code(region) if region is not None else None
            if language not in LANGUAGES or (region is not None and country is None):
                raise InvalidOption("locale must be one of " + ", ".join(LANGUAGES)
                                    + ", optionally with a country: fr-FR, de-AT")
            options["locale"] = language
            if country and "country" in wanted and "country" not in options:
                options["country"] = country  # the bank list's default: the locale's country
    for name in ("provider_id", "channel_definition_id"):
        if name in wanted and _first(values, name) is not None:
            # Kept as given: an unknown id is the widget's result=error, not a creation failure.
            options[name] = str(values[name])[:200]
    for name in ("font_color", "elements_color"):
        if name in wanted and _first(values, name) is not None:
            if not COLOUR.fullmatch(str(values[name])):
                raise InvalidOption(f"{name} must be #rgb or #rrggbb")
            options[name] = str(values[name])
    if "theme" in wanted and _first(values, "theme") is not None:
        if str(values["theme"]).lower() not in THEMES:  # a whole word: "dark\n" is not one
            raise InvalidOption("theme must be " + ", ".join(THEMES[:-1]) + " or " + THEMES[-1])
        options["theme"] = str(values["theme"]).lower()
    if "font" in wanted and _first(values, "font") is not None:
        if not FONT.fullmatch(str(values["font"])):
            raise InvalidOption("font must be a short name of letters, digits, spaces and hyphens")
        options["font"] = str(values["font"])
    if "state" in wanted and _first(values, "state") is not None:
        if len(str(values["state"])) > 500:
            raise InvalidOption("state is longer than 500 characters")
        options["state"] = str(values["state"])
    if only is None:
        check_contrast(options)
    return options


def check_contrast(options):
    """Raise InvalidOption when a custom colour cannot be read on its theme's background (the
    session's options, or those of a run that a link's `theme` changed)."""
    problem = contrast_problem(options)
    if problem:
        raise InvalidOption(problem)


def with_defaults(options):
    return {**BOOLEAN_DEFAULTS, "theme": DEFAULT_THEME, **options}
