"""The four ways a Client names where the widget returns, for a client registered at
https://app.example.com/bank/return: a URL climbing out of that path is refused, and an accepted
URL is used only in the form a browser loads (DESIGN.md sections 3 and 9)."""
import pytest

from tests.live_server import build_app
from tests.widget_driver import Widget, create_session, query_of, screen, through_bank

REGISTERED = "https://app.example.com/bank/return"
CLIENTS = {"demo-client": {"redirect_urls": [REGISTERED],
                           "frame_ancestors": ["https://app.example.com"]}}
ESCAPES = [REGISTERED + "/../../evil", REGISTERED + "/%2e%2e/%2e%2e/evil",
           REGISTERED + "/.%2E/.%2E/evil", REGISTERED + "/./../../evil"]
# Accepted, and loaded by a browser as https://app.example.com/bank/return/done?from=widget.
SPELLED = "HTTPS://App.Example.COM:443/bank/./return/x/../done?from=widget"
LOADED = "https://app.example.com/bank/return/done"


@pytest.fixture
def live_app(tmp_path, clock):
    app, server = build_app(tmp_path, SANDBOX_CLOCK=clock, WIDGET_CLOCK=clock,
                            WIDGET_CLIENTS=CLIENTS)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


def widget_for(client, user, query=None, **options):
    created = create_session(client, user, **options)
    assert created.status_code == 201, created.data
    w = Widget(client, created.get_json()["session_id"])
    return w, w.get("/widget/add_connection", **(query or {}))


@pytest.mark.parametrize("url", ESCAPES)
@pytest.mark.parametrize("field", ["redirect_url", "redirect_uri", "aspsp_callback_uri"])
def test_the_session_api_refuses_a_url_that_climbs_out(client, user, field, url):
    response = create_session(client, user, **{field: url})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


@pytest.mark.parametrize("url", ESCAPES)
def test_a_links_override_that_climbs_out_ends_with_invalid_request(client, user, url):
    _, page = widget_for(client, user, query={"redirect_url": url}, redirect_url=REGISTERED)
    assert page.status_code == 303
    location = page.headers["Location"]
    assert location.startswith(REGISTERED + "?") and "evil" not in location
    assert query_of(location)["error"] == "invalid_request"


@pytest.mark.parametrize("field", ["redirect_url", "redirect_uri"])
def test_the_session_api_keeps_the_url_the_browser_loads(client, user, field):
    w, page = widget_for(client, user, **{field: SPELLED})
    assert screen(page) == "providers"
    back = w.post("/widget/cancel")
    assert back.status_code == 303
    assert back.headers["Location"] == LOADED + "?from=widget&result=cancelled&widget=add_connection"


def test_a_links_override_is_kept_as_the_browser_loads_it(client, user):
    w, page = widget_for(client, user, query={"redirect_url": SPELLED}, redirect_url=REGISTERED)
    assert screen(page) == "providers"
    back = w.post("/widget/cancel")
    assert back.status_code == 303
    assert back.headers["Location"] == LOADED + "?from=widget&result=cancelled&widget=add_connection"


def test_the_aspsp_callback_uri_is_kept_as_the_browser_loads_it(client, user):
    w, page = widget_for(client, user, provider_id="psd2", redirect_url=REGISTERED,
                         aspsp_callback_uri="https://APP.example.com/bank/return/%2e/host?tab=1")
    assert screen(page) == "bank_notice"
    back = through_bank(w)
    assert back.status_code == 303
    assert back.headers["Location"] == (f"{REGISTERED}/host?tab=1&session_id={w.session_id}")
