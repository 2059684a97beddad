"""The playground receives demo-client's webhooks (SANDBOX_WEBHOOKS) over real HTTP, verifies
them, keeps each event once, and shows them for the browser's last widget session."""
import json
import os
import re
import time

import pytest
import requests

from tests.live_server import build_app
from tests.widget_driver import open_widget
from widget.playground.home import RUN_KEY
from widget.webhooks.outbox import playground_secret
from widget.webhooks.signing import signature


@pytest.fixture
def live_app(tmp_path, clock):
    app, server = build_app(tmp_path, SANDBOX_CLOCK=clock, WIDGET_CLOCK=clock,
                            SANDBOX_WEBHOOKS=True, WEBHOOK_RETRY_BASE_SECONDS=0.1)
    server.start()
    app.live_url = server.url
    yield app
    server.stop()


def shown(client, count):
    """The event names the page lists, once it lists `count` (deliveries are asynchronous)."""
    deadline = time.monotonic() + 60
    while True:
        page = client.get("/playground/webhooks?lng=en").get_data(as_text=True)
        names = re.findall(r'<th scope="row"><code>([A-Z_]+)</code>', page)
        if len(names) >= count or time.monotonic() > deadline:
            return names, page
        time.sleep(0.1)


def post(app, body, secret=None, when=None):
    raw = json.dumps(body).encode()
    header = signature(secret or playground_secret(app.config), raw, int(when or time.time()))
    return requests.post(app.live_url + "/playground/webhooks", data=raw, timeout=10,
                         headers={"Content-Type": "application/json",
                                  "Passerelle-Signature": header})


def test_a_widget_run_s_webhooks_are_shown_in_order(app, client, user):
    w, _ = open_widget(client, user, state="st-4")
    w.post("/widget/cancel")
    with client.session_transaction() as session:
        session[RUN_KEY] = {"session_id": w.session_id, "state": "st-4"}
    names, page = shown(client, 4)
    assert names == ["OPEN", "EXIT", "REDIRECT", "SESSION_FINISHED"]
    assert "Webhooks received" in page and "ev_00000004_" in page
    assert w.session_id not in page  # the page names events, never the session's credential
    assert "&#34;state&#34;: &#34;st-4&#34;" in page or '"state": "st-4"' in page


def test_the_receiver_refuses_what_it_cannot_verify_and_keeps_an_event_once(app, client):
    session_id = "s" * 43
    event = {"event_id": "ev_00000001_9f2c4e1a0b7d3e55", "name": "OPEN", "date": "x",
             "widget": "add_connection", "data": {}, "widget_session_id": session_id}
    assert post(app, event, secret="not the playground's secret at all!!").status_code == 400
    assert post(app, event, when=time.time() - 600).status_code == 400  # a replay, too old
    assert post(app, [1]).status_code == 400
    assert post(app, {"event_id": 3, "widget_session_id": session_id}).status_code == 400
    assert post(app, event).status_code == 204
    assert post(app, event).status_code == 204  # delivered again: kept once
    with client.session_transaction() as session:
        session[RUN_KEY] = {"session_id": session_id, "state": None}
    names, _ = shown(client, 1)
    assert names == ["OPEN"]


def test_before_any_widget_session_and_in_french(client):
    page = client.get("/playground/webhooks").get_data(as_text=True)
    assert "Webhooks reçus" in page
    assert "Aucune session de widget n’a encore été créée depuis ce navigateur." in page


def test_on_files_the_deliveries_of_a_day_ago_go(app):
    from widget.playground.webhooks import received  # noqa: PLC0415

    with app.app_context():
        kept = received()
        kept.add("a" * 43, {"event_id": "ev_00000001_9f2c4e1a0b7d3e55"})
        old = [entry.path for entry in os.scandir(kept.files.folder) if entry.name[0] != "."][0]
        os.utime(old, (time.time() - 2 * 24 * 3600,) * 2)
        os.utime(os.path.join(kept.files.folder, ".swept"), (time.time() - 7200,) * 2)
        kept.add("b" * 43, {"event_id": "ev_00000001_9f2c4e1a0b7d3e55"})
        assert kept.of("a" * 43) == [] and len(kept.of("b" * 43)) == 1
