"""What an embedded widget tells the page around it, and which pages may frame it."""
import json

import pytest

from tests.widget_driver import RETURN, create_session, open_widget, text
from widget.events import NUMBERS, EventNumbers, track
from widget.parent_messages import parent_messages, target_origin


@pytest.mark.parametrize("redirect_url, origin", [
    ("http://localhost:5000/playground/return?x=1", "http://localhost:5000"),
    ("https://app.example/bank/return#top", "https://app.example"),
    ("javascript:alert(1)", None),
    ("/relative/return", None),
    (None, None),
])
def test_messages_go_to_the_redirect_urls_origin_only(redirect_url, origin):
    assert target_origin({"redirect_url": redirect_url}) == origin


def numbered_session():
    """A session's data as the store's transaction hands it to a view (it numbers the events)."""
    return {NUMBERS: EventNumbers(lambda: 0)}


def test_each_event_is_handed_to_one_page_only():
    session = numbered_session()
    options = {"redirect_url": "https://app.example/return"}
    track(session, "sid", "OPEN", "add_connection")
    track(session, "sid", "SELECT_PROVIDER", "add_connection", provider_id="web")
    first = parent_messages(session, options)
    assert [m["eventName"] for m in first["messages"]] == ["OPEN", "SELECT_PROVIDER"]
    assert parent_messages(session, options) is None
    track(session, "sid", "EXIT", "add_connection")
    final = {"eventName": "redirect_to"}
    assert [m["eventName"] for m in parent_messages(session, options, final)["messages"]] == \
        ["EXIT", "redirect_to"]


def test_a_record_of_the_previous_release_hands_over_what_it_had_not():
    """Before 2026-12-04 a record kept every event and counted those handed over."""
    session = {"events": [{"name": "OPEN"}, {"name": "SELECT_PROVIDER"}, {"name": "EXIT"}],
               "events_total": 3, "events_delivered": 1}
    messages = parent_messages(session, {"redirect_url": "https://app.example/return"})
    assert [m["eventName"] for m in messages["messages"]] == ["SELECT_PROVIDER", "EXIT"]
    assert parent_messages(session, {"redirect_url": "https://app.example/return"}) is None


def test_without_a_redirect_url_nothing_is_posted():
    session = numbered_session()
    track(session, "sid", "OPEN", "add_connection")
    assert parent_messages(session, {}, {"eventName": "redirect_to"}) is None


def test_a_full_page_carries_its_messages_as_data_not_script(client, user):
    _, page = open_widget(client, user)
    block = page.get_data(as_text=True).split('<script type="application/json" id="parent-messages">')[1]
    payload = json.loads(block.split("</script>")[0])
    assert payload["origin"] == "http://localhost:5000"
    assert [m["eventName"] for m in payload["messages"]] == ["OPEN"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_clients_frame_ancestors_feed_the_csp(client, user):
    _, page = open_widget(client, user)
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors http://localhost:* http://127.0.0.1:*" in csp


def test_an_expired_session_may_still_answer_inside_the_clients_frame(client, user):
    response = create_session(client, {**user, "refresh_token": None}, redirect_url=RETURN,
                              expires_in="0")
    session_id = response.get_json()["session_id"]
    opened = client.get(f"/widget/add_connection?session_id={session_id}",
                        headers={"Sec-Fetch-Mode": "navigate"})
    assert opened.status_code == 200 and 'data-screen="leaving"' in text(opened)
    assert "frame-ancestors http://localhost:* http://127.0.0.1:*" in opened.headers["Content-Security-Policy"]
    assert '"eventName": "redirect_to"' in text(opened) and "result=expired" in text(opened)


def test_an_unknown_sessions_page_may_be_framed_anywhere(client):
    page = client.get("/widget/add_connection?session_id=" + "x" * 43)
    assert page.status_code == 404
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors *")


def test_a_browser_navigation_that_ends_gets_the_leaving_page(client, user):
    _, page = open_widget(client, user, provider_id="nope")
    assert page.status_code == 303  # a client that is not a browser: the plain redirect
    response = create_session(client, user, redirect_url=RETURN, provider_id="nope", state="s")
    session_id = response.get_json()["session_id"]
    page = client.get(f"/widget/add_connection?session_id={session_id}",
                      headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"})
    body = text(page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'http-equiv="refresh"' in body.split("<noscript>")[1].split("</noscript>")[0]
    assert 'data-leave-to="http://localhost:5000/playground/return?result=error' in body
    payload = json.loads(body.split('id="parent-messages">')[1].split("</script>")[0])
    final = payload["messages"][-1]
    assert final["eventName"] == "redirect_to" and final["result"] == final["status"] == "error"
    assert final["widget"] == "add_connection" and final["connection_id"] is None
    assert final["redirect_url"].startswith(RETURN + "?result=error&widget=add_connection")
