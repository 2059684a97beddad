"""What a person can read in a page: the colour of every visible text (and typed-in field)
against the background it sits on, as Chromium computed them, and the WCAG ratio of each."""
import re

from widget.contrast import contrast, luminance

# Runs in the page: each element showing text of its own (or a field's value), its computed
# colour, and the first opaque background among it and its ancestors.
PROBE = """() => {
  const FIELDS = "input[type=text], input[type=search], input[type=password], input[type=email], select";
  const opaque = (colour) => colour !== "transparent" && !/^rgba\\(.*,\\s*0\\)$/.test(colour);
  const backgroundOf = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      if (opaque(colour)) return colour;
    }
    return "rgb(255, 255, 255)";  // the canvas of a page that sets none (style.css sets one)
  };
  const seen = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest("script, style, noscript, template, option, [disabled], [hidden]")) continue;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (style.display === "none" || style.visibility === "hidden" || !box.width || !box.height) continue;
    const ownText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText && !element.matches(FIELDS)) continue;
    seen.push({tag: element.tagName.toLowerCase(), text: (element.innerText || element.value || "").trim().slice(0, 40),
               color: style.color, background: backgroundOf(element)});
  }
  return seen;
}"""


def hex_of(css_colour):
    """`rgb(29, 35, 48)` or `rgba(...)` as `#1d2330` (an alpha is not expected here)."""
    red, green, blue = (int(v) for v in re.findall(r"[\d.]+", css_colour)[:3])
    return "#%02x%02x%02x" % (red, green, blue)


def texts(page):
    """[{tag, text, color, background, ratio}] for every visible text of the page."""
    found = page.evaluate(PROBE)
    for item in found:
        item["ratio"] = round(contrast(hex_of(item["color"]), hex_of(item["background"])), 2)
    return found


def unreadable(page, needed=4.5):
    """The texts under `needed`: [] when everything reads (and asserts there is some text)."""
    found = texts(page)
    assert found, "no text found in the page"
    return [item for item in found if item["ratio"] < needed]


def background_luminance(page, selector="body"):
    """The WCAG luminance of an element's computed background: 0 is black, 1 white."""
    colour = page.evaluate("(s) => getComputedStyle(document.querySelector(s)).backgroundColor",
                           selector)
    return luminance(hex_of(colour))
