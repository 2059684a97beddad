"""Journeys as a Client and its users run them, against the Procfile's command alone: gunicorn
serving a fresh copy of the tree (no make), its sandbox embedded, reached over real HTTP."""
from types import SimpleNamespace

import pytest

from tests.browser.declination_journey import DIRECT, start
from tests.browser.playground_steps import playground_journey
from tests.procfile_server import ProcfileServer, fresh_copy

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    tree = fresh_copy(str(tmp_path_factory.mktemp("clone")))
    with ProcfileServer(tree, SANDBOX_SYNC_SECONDS="2", SANDBOX_APP_VALIDATION_DELAY="2",
                        SANDBOX_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000") as server:
        yield SimpleNamespace(live_url=server.url, server=server)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_playground_to_widget_and_back(deployed, page_for, javascript, lang):
    page = page_for(javascript=javascript, locale="fr-FR" if lang == "fr" else "en-US")
    playground_journey(page, deployed.live_url, javascript, lang)


def test_redirect_bank_through_its_portal(deployed, page_for, javascript):
    """The bank portal's address, the callback and the return are all on the public address."""
    j = start(deployed, page_for, javascript=javascript)
    j.pick_bank(DIRECT)
    j.bank_notice_to_portal(DIRECT)
    j.portal_login("demo")
    j.back_from_bank(DIRECT)
    j.consent(DIRECT, swapped=False)
    j.syncing()
    assert j.returned()["connection_id"]
