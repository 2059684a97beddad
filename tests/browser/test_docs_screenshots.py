"""docs/screenshots.py, which makes the README's screenshots, still gets to its three screens
and saves each as a phone-sized PNG (800 x 1600 pixels: 400 x 800 at twice the density)."""
import importlib.util
import struct

import pytest

from widget.config import ROOT

pytestmark = pytest.mark.browser


def screenshots_script():
    spec = importlib.util.spec_from_file_location("screenshots", ROOT + "/docs/screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_docs_screenshots_are_made(live_app, browser, tmp_path):
    taken = screenshots_script().take(live_app, browser, tmp_path)
    assert [path.name for path in taken] == [
        "providers-de-dark.png", "credentials-de-dark.png", "accounts-de-dark.png"]
    for path in taken:
        header = path.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n", path
        assert struct.unpack(">II", header[16:24]) == (800, 1600), path
