"""The issue's journey end to end: from the playground, through the widget, back to the playground."""
import pytest

from tests.browser.playground_steps import playground_journey

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_from_playground_to_widget_and_back(live_app, page_for, javascript, lang):
    page = page_for(javascript=javascript, locale="fr-FR" if lang == "fr" else "en-US")
    playground_journey(page, live_app.live_url, javascript, lang)
