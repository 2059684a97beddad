"""The widgets table (widget/views/registry.py) agrees with the routes and the templates."""
import os

from tests.widget_driver import create_session
from widget.config import ROOT
from widget.views.registry import BY_PATH, POLLERS, SPECS


def test_names_and_url_spellings_are_each_one_widget():
    assert len({spec.name for spec in SPECS}) == len({spec.path for spec in SPECS}) == len(SPECS)


def test_each_waiting_screen_takes_its_pollers_id_from_the_registry():
    for poller in POLLERS.values():
        path = os.path.join(ROOT, "templates", "widget", "screens", poller.screen + ".html")
        with open(path, encoding="utf-8") as fh:
            assert 'id="{{ poller_ids.%s }}"' % poller.screen in fh.read(), poller


def test_every_link_of_the_session_api_is_spelled_as_its_widget_route(client, user):
    links = create_session(client, user).get_json()["_links"]
    assert set(links) == {spec.name for spec in SPECS}
    for name, url in links.items():
        path = url.split("/widget/", 1)[1].split("?", 1)[0]
        assert BY_PATH[path].name == name
