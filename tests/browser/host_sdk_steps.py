"""What the host SDK tests do on the Client's page (tests/browser/client_page.py): a session
whose redirect URL is that page's origin, the page opened in a mode, what the SDK reported."""
from urllib.parse import urlencode

from tests.client_backend import sandbox_user, widget_link

FRAME = "iframe[title='Bank connection']"
FORGED = {"eventName": "redirect_to", "redirect_url": "http://127.0.0.1/return.html",
          "status": "success", "result": "success", "connection_id": "forged",
          "widget": "add_connection"}


def session_link(app, client, **options):
    """A new sandbox user's widget link, returning to the Client's page unless `options` say."""
    user = sandbox_user(app)
    options.setdefault("redirect_url", client.url + "/return.html")
    return widget_link(app, user, **options)


def open_host(page, client, link, mode, **query):
    """The Client's page, its button pressed: the widget opens in `mode`."""
    page.goto(client.url + "/host.html?" + urlencode({"url": link, "mode": mode, **query}))
    page.get_by_role("button", name="Connect a bank").click()


def calls(page, name=None):
    """The payloads the SDK gave the page's callbacks (`name`'s only, if given), in order."""
    every = page.evaluate("window.calls")
    return [payload for callback, payload in every if name in (None, callback)]


def wait_for_call(page, name):
    page.wait_for_function("name => window.calls.some(c => c[0] === name)", arg=name,
                           timeout=30000)
    return calls(page, name)


def event_names(page):
    return [message["eventName"] for message in calls(page, "onEvent")]


def wait_for_seen(page, predicate):
    """Wait until the page's own listener got a message `predicate` (JS) accepts: the SDK's
    listener heard the same message in the same dispatch."""
    page.wait_for_function("() => window.seen.some(%s)" % predicate, timeout=30000)


def widget_loaded(page):
    """The widget's first page posted its events: OPEN, then the terms it shows."""
    page.wait_for_function("window.calls.some(c => c[1].eventName === 'TERMS_SHOWN')")
    assert event_names(page) == ["OPEN", "TERMS_SHOWN"]


def assert_success(page, state, first="OPEN"):
    [result] = wait_for_call(page, "onSuccess")
    assert result["result"] == "success" and result["widget"] == "add_connection"
    assert result["connection_id"] and result["state"] == state and result["error"] is None
    names = event_names(page)
    assert names[0] == first and names[-1] == "redirect_to", names
    assert "CONNECTION_CREATED" in names
    assert calls(page, "onExit") == [] and calls(page, "onError") == []
    return result
