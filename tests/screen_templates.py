"""The widget's screens: the templates in templates/widget/screens/, less partials (`_*.html`)
and the parts a request refreshes alone (the search's results, the sync's progress). A new
screen template is found here without touching the tests that go through them all."""
from pathlib import Path

from widget.config import ROOT
from widget.views.registry import PARTS, POLLERS

SCREENS_DIR = Path(ROOT) / "templates" / "widget" / "screens"
REFRESHED_ALONE = set(PARTS) | {poller.fragment.rsplit("/", 1)[1][:-len(".html")]
                                for poller in POLLERS.values() if poller.fragment}
SCREENS = sorted(path.stem for path in SCREENS_DIR.glob("*.html")
                 if not path.name.startswith("_") and path.stem not in REFRESHED_ALONE)
