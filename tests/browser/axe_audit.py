"""axe-core in Chromium, on each screen of the widget a page reaches: at each window width and
colour scheme, the WCAG 2.0/2.1 A and AA rules and axe's best practices, 0 violations allowed.

axe-core comes from the npm registry (tests/browser/axe/package.json, its lock pinned), put in
tests/browser/axe/node_modules by `make axe`, which `make test` runs. Its source is evaluated
through Playwright, which runs it in the page as DevTools does: the widget's Content Security
Policy (no inline or foreign script) stays as it is, nothing is added to the page's markup.
"""
import functools
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.page_steps import settled

AXE_SCRIPT = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (360, 1280)
HEIGHT = 800
# The colour schemes a device may ask for (prefers-color-scheme): with the session's theme
# `auto` (the default), each gives its palette.
SCHEMES = ("light", "dark")
# Rules switched off, each with the reason it is a false positive here. None so far.
DISABLED: dict[str, str] = {}

RUN = """async ([tags, disabled]) => {
  const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules,
                                           resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}));
}"""


@functools.cache
def axe_source():
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is not installed: run `make axe` (`make test` does)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def described(where, violation):
    """One violation on one line per element, as a person fixing it wants to read it."""
    nodes = "".join("\n    %s: %s" % (node["target"], " ".join(node["summary"].split()))
                    for node in violation["nodes"][:5])
    return "%s: %s (%s) %s%s" % (where, violation["id"], violation["impact"], violation["help"],
                                 nodes)


class Audit:
    """One page of the widget, audited by axe at each screen it is asked about."""

    def __init__(self, page, lang, app, clock, theme="auto", schemes=SCHEMES):
        self.page, self.lang, self.theme, self.schemes = page, lang, theme, schemes
        self.app, self.clock = app, clock  # the widget served, and its sandbox's clock
        self.reached, self.others, self.found = [], [], []

    def goto(self, url):
        self.page.goto(url)
        return self

    def wait(self, name):
        """Wait for the screen `name`, htmx settled (a screen passed through, not audited)."""
        try:
            expect(self.page.locator('#screen [data-screen="%s"]' % name)).to_have_count(1)
        except AssertionError as error:
            shown = self.page.locator("#screen [data-screen]").evaluate_all(
                "sections => sections.map(s => s.dataset.screen)")
            raise AssertionError("waited for the screen %s; %s shows %s" % (
                name, self.page.url, shown)) from error
        settled(self.page)

    def screen(self, name, state=None):
        """Wait for the screen `name`, then audit it everywhere: each colour scheme, each
        width. `state` says which of the screen's states this is, in the report."""
        self.wait(name)
        self._audit(name + (state and " (%s)" % state or ""))
        self.reached.append(name)
        return self

    def elsewhere(self, name):
        """Audit the page shown, which is no screen of the widget (the sandbox bank's portal)."""
        self._audit(name)
        self.others.append(name)

    def _audit(self, what):
        if not self.page.evaluate("typeof window.axe === 'object'"):
            self.page.evaluate(axe_source())  # once per document: htmx swaps keep it
        for scheme in self.schemes:
            self.page.emulate_media(color_scheme=scheme)
            for width in WIDTHS:
                self.page.set_viewport_size({"width": width, "height": HEIGHT})
                where = "%s [%s, theme %s on a %s device, %d px]" % (
                    what, self.lang, self.theme, scheme, width)
                self.found += [described(where, violation) for violation in
                               self.page.evaluate(RUN, [TAGS, sorted(DISABLED)])]

    def clean(self, *screens):
        """Exactly `screens` were audited, with no violation."""
        assert not self.found, "axe found:\n" + "\n".join(self.found)
        assert sorted(set(self.reached)) == sorted(screens), (self.reached, screens)
