"""WCAG contrast (widget/contrast.py), the palettes and focus ring of widget/theme.py, and the
stylesheet that declares them."""
import itertools
import os
import re

import pytest

from widget.contrast import BLACK, WHITE, contrast, luminance, ratio_text, text_on
from widget.theme import FOCUS_RING, NEEDED, PALETTES, accent_ink, contrast_problem

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every #rgb colour: 4,096 of them, evenly over the sRGB cube.
EVERY_RGB = ["#" + "".join(digits) for digits in itertools.product("0123456789abcdef", repeat=3)]


@pytest.mark.parametrize("first, second, expected", [
    ("#777", "#fff", "4.48"), ("#777777", "#ffffff", "4.48"), ("#000", "#fff", "21.00"),
    ("#767676", "#ffffff", "4.54"), ("#ffff00", "#ffffff", "1.07"), ("#ffffff", "#ffffff", "1.00"),
    ("#1f5fbf", "#ffffff", "6.09"),
])
def test_known_ratios(first, second, expected):
    assert "%.2f" % contrast(first, second) == expected
    assert contrast(first, second) == contrast(second, first)


def test_luminance_ends_and_channels():
    assert luminance("#000") == 0 and luminance("#fff") == pytest.approx(1)
    assert luminance("#ABC") == luminance("#aabbcc")
    # Green weighs most, blue least (the eye's sensitivity).
    assert luminance("#0f0") > luminance("#f00") > luminance("#00f")


def test_ratio_text_never_shows_a_failing_ratio_as_reaching_the_threshold():
    assert ratio_text(contrast("#777", "#fff"), 4.5) == "4.48:1"
    assert ratio_text(4.4999, 4.5) == "4.49:1"  # rounding would say 4.50:1
    assert ratio_text(2.996, 3) == "2.99:1"
    assert ratio_text(4.5, 4.5) == "4.50:1" and ratio_text(21, 4.5) == "21.00:1"


@pytest.mark.parametrize("accent, expected", [
    ("#ffff00", BLACK), ("#8ab4f8", BLACK), ("#ffbf47", BLACK), ("#abcdef", BLACK),
    ("#1f5fbf", WHITE), ("#000080", WHITE), ("#b3261e", WHITE), ("#000", WHITE),
])
def test_the_text_on_an_accent_is_black_or_white_whichever_contrasts_more(accent, expected):
    assert text_on(accent) == expected
    other = WHITE if expected == BLACK else BLACK
    assert contrast(accent, expected) >= contrast(accent, other)


def test_text_on_any_accent_reads_at_4_5_to_1():
    # Black or white: one of them always reaches 4.58:1 (the square root of 21).
    assert min(contrast(c, text_on(c)) for c in EVERY_RGB) >= 4.5


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_each_palette_keeps_the_contrast_it_asks_of_custom_colours(palette):
    colours = PALETTES[palette]
    surface = colours["surface"]
    for text in ("text", "muted", "error"):
        assert contrast(colours[text], surface) >= 4.5, text
        assert contrast(colours[text], colours["page"]) >= 4.5, text
    assert contrast(colours["accent"], surface) >= 3
    assert colours["accent-text"] == text_on(colours["accent"])
    assert accent_ink(colours["accent"], palette) == colours["accent"]  # reads as text too
    assert contrast_problem({"theme": palette, "font_color": colours["text"],
                             "elements_color": colours["accent"]}) is None


def test_the_focus_ring_stands_out_on_every_background_and_colour():
    inner, outer = FOCUS_RING["focus-inner"], FOCUS_RING["focus-outer"]
    for colours in PALETTES.values():
        for background in (colours["surface"], colours["page"]):
            assert max(contrast(inner, background), contrast(outer, background)) >= 3
    # Whatever an element's colour (a custom accent, any text colour), one band reaches 3:1.
    assert min(max(contrast(c, inner), contrast(c, outer)) for c in EVERY_RGB) >= 3


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_an_accent_too_faint_for_text_gives_its_text_role_to_the_text_colour(palette):
    surface = PALETTES[palette]["surface"]
    faint = next(c for c in EVERY_RGB if NEEDED["elements_color"] <= contrast(c, surface) < 4.5)
    assert accent_ink(faint, palette) == "var(--text)"


def declared(selector):
    """The custom properties of a block of static/style.css, by name without `--`: the first
    block whose selector line is `selector` (indented or not)."""
    with open(os.path.join(ROOT, "static/style.css"), encoding="utf-8") as fh:
        css = fh.read()
    block = re.search(r"^ *%s \{(.*?)\n *\}" % re.escape(selector), css, re.S | re.M).group(1)
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{3,6})\s*;", block))


def test_the_stylesheet_declares_the_palettes_that_colours_are_checked_against():
    light = declared(":root")
    dark, auto_dark = declared('[data-theme="dark"]'), declared('[data-theme="auto"]')
    assert light == {**PALETTES["light"], **FOCUS_RING}
    assert dark == auto_dark == PALETTES["dark"]  # the focus ring stays the light block's


def test_no_colour_is_written_outside_the_custom_properties():
    with open(os.path.join(ROOT, "static/style.css"), encoding="utf-8") as fh:
        css = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
    for line in css.splitlines():
        if re.search(r"#[0-9a-fA-F]{3}\b|#[0-9a-fA-F]{6}\b|rgba?\(", line):
            # Only a custom property's own value, or a var()'s fallback, holds a colour.
            assert line.strip().startswith("--") or "var(--" in line, line


def test_no_text_colour_reads_on_both_backgrounds_so_auto_takes_no_font_color():
    # What the README says of theme=auto: contrast depends on luminance alone, and no luminance
    # is both at most 0.183 (4.5:1 on #ffffff) and at least 0.236 (4.5:1 on #1b1f27). Checked
    # here on every #rgb colour and every grey.
    greys = ["#%02x%02x%02x" % (v, v, v) for v in range(256)]
    assert not [c for c in EVERY_RGB + greys
                if contrast_problem({"theme": "auto", "font_color": c}) is None]
    assert contrast_problem({"theme": "auto", "elements_color": "#5c6bc0"}) is None
