"""The widget's colour themes: their palettes, the contrast custom colours must keep against
them, and the custom properties a session's colours set (templates/widget/theme.css)."""
from collections.abc import Mapping
from typing import Any

from widget.contrast import contrast, ratio_text, text_on

THEMES = ("light", "dark", "auto")
DEFAULT_THEME = "auto"  # follows the device (prefers-color-scheme)
# The palettes as static/style.css declares them (light, then dark);
# tests/test_theme.py holds the stylesheets to these values.
PALETTES = {
    "light": {"text": "#1d2330", "muted": "#5b6475", "accent": "#1f5fbf",
              "accent-text": "#ffffff", "error": "#b3261e", "surface": "#ffffff",
              "page": "#f4f6f9", "border": "#c9ced8"},
    "dark": {"text": "#e7eaf0", "muted": "#a8b0bf", "accent": "#8ab4f8",
             "accent-text": "#000000", "error": "#ff8f86", "surface": "#1b1f27",
             "page": "#0f1216", "border": "#6b7385"},
}
# The focus ring, the same in every theme and whatever the session's colours: a dark band
# next to the element inside a light one. They contrast 11.9:1 with each other, so one band
# or the other stands out from any colour at 3:1 at least (the square root of 11.9 is 3.45).
FOCUS_RING = {"focus-inner": "#0b0c0c", "focus-outer": "#ffbf47"}
# WCAG 1.4.3 (text) and 1.4.11 (the edges and fills of controls).
NEEDED = {"font_color": 4.5, "elements_color": 3.0}


def theme_of(options: Mapping[str, Any]) -> str:
    """The theme `options` ask for; sessions made before themes existed follow the device."""
    theme = options.get("theme")
    return theme if theme in THEMES else DEFAULT_THEME


def palettes_in_use(theme: str) -> tuple[str, ...]:
    """The palettes a page of `theme` may show: both for `auto`, whichever the device picks."""
    return ("light", "dark") if theme == "auto" else (theme,)


def contrast_problem(options: Mapping[str, Any]) -> str | None:
    """Why the custom colours of `options` cannot be read on their theme's background, or None.

    Text and controls sit on the surface colour; with `auto` a colour must suit both palettes.
    """
    theme = theme_of(options)
    for name, needed in NEEDED.items():
        colour = options.get(name)
        if not colour:
            continue
        for palette in palettes_in_use(theme):
            background = PALETTES[palette]["surface"]
            ratio = contrast(colour, background)
            if ratio < needed:
                note = " (theme auto follows the device, light or dark)" if theme == "auto" else ""
                return (f"{name} {colour} has a contrast of {ratio_text(ratio, needed)} against "
                        f"the background {background} of the {palette} theme{note}; at least "
                        f"{needed:g}:1 is needed")
    return None


def accent_ink(accent: str, palette: str) -> str:
    """The accent as the colour of text on the surface (a secondary button's label) when it
    reads there at 4.5:1; else the text colour, since an accent need only reach 3:1."""
    if contrast(accent, PALETTES[palette]["surface"]) >= NEEDED["font_color"]:
        return accent
    return "var(--text)"


def custom_properties(options: Mapping[str, Any], theme: str) -> list[tuple[str, dict[str, str]]]:
    """The session's colours and font as (media query or "", custom properties) for a page of
    `theme`: the same colours in every palette, with what derives from them (the text on the
    accent, the accent as text) for each palette the page may show."""
    common: dict[str, str] = {}
    if options.get("font"):  # letters, digits, spaces and hyphens only (session_options.FONT)
        common["--font"] = '"%s", system-ui, sans-serif' % options["font"]
    if options.get("font_color"):
        common["--text"] = options["font_color"]
    accent = options.get("elements_color")
    if not accent:
        return [("", common)]
    common.update({"--accent": accent, "--accent-text": text_on(accent)})
    blocks: list[tuple[str, dict[str, str]]] = []
    for palette in palettes_in_use(theme):
        media = "(prefers-color-scheme: dark)" if theme == "auto" and palette == "dark" else ""
        blocks.append((media, {**(common if not blocks else {}),
                               "--accent-ink": accent_ink(accent, palette)}))
    return blocks
