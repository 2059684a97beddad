"""WCAG 2 contrast: the relative luminance of an sRGB colour and the ratio between two colours.

https://www.w3.org/TR/WCAG22/#dfn-relative-luminance and #dfn-contrast-ratio.
"""
import math

BLACK, WHITE = "#000000", "#ffffff"


def channels(colour: str) -> tuple[int, int, int]:
    """`#rgb` or `#rrggbb` as three 0-255 values (the caller has checked the form)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    red, green, blue = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return red, green, blue


def _linear(value: int) -> float:
    c = value / 255
    # WCAG's own threshold (0.03928); sRGB's 0.04045 gives the same result on 8-bit values.
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    red, green, blue = (_linear(v) for v in channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """From 1 (the same luminance) to 21 (black and white), whichever colour is lighter."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (white when they tie)."""
    return BLACK if contrast(background, BLACK) > contrast(background, WHITE) else WHITE


def ratio_text(ratio: float, needed: float) -> str:
    """`4.48:1`; a ratio under `needed` never reads as reaching it (4.4999 is `4.49:1`)."""
    shown = round(ratio, 2)
    if ratio < needed <= shown:
        shown = math.floor(ratio * 100) / 100
    return "%.2f:1" % shown
