"""Shared helpers: a widget session, the sandbox bank portal and the sandbox API, as a Client
and a user's browser would drive them (Flask's test client, against the live sandbox)."""
import html
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import requests

from tests.conftest import CLIENT, create_session
from tests.test_widget_routes import RETURN, Widget, returned, text  # noqa: F401 (re-exported)

HTMX = {"HX-Request": "true"}
NAVIGATE = {"Sec-Fetch-Mode": "navigate"}


class Driver(Widget):
    """A Widget that can also send htmx, poller and navigation headers."""

    def get(self, path, headers=None, **params):
        response = self.client.get(path, query_string={"session_id": self.session_id, **params},
                                   headers=headers or {})
        self._remember(response)
        return response

    def post(self, path, htmx=False, headers=None, **form):
        data = {"session_id": self.session_id, "csrf_token": self.csrf, **form}
        headers = {**(HTMX if htmx else {}), **(headers or {})}
        response = self.client.post(path, data={k: v for k, v in data.items() if v is not None},
                                    headers=headers)
        self._remember(response)
        return response

    def poll(self, trigger):
        """What htmx's poller of a waiting screen asks (HX-Trigger names the poller)."""
        return self.get("/widget/add_connection/wait", headers={**HTMX, "HX-Trigger": trigger})

    def resume(self, **params):
        """Open the session's widget link again (after the bank, in the Client's page...)."""
        return self.get("/widget/add_connection", **params)


def open_widget(client, user, widget="add_connection", query=None, **options):
    options.setdefault("redirect_url", RETURN)
    created = create_session(client, user, **options)
    assert created.status_code == 201, created.data
    w = Driver(client, created.get_json()["session_id"])
    return w, w.get("/widget/" + widget, **(query or {}))


def page_text(response):
    return html.unescape(text(response))


def screen(response):
    """The data-screen of a page or fragment (None for a redirect or an empty answer)."""
    found = re.search(r'data-screen="([\w-]+)"', text(response))
    return found.group(1) if found else None


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


# --- The bank portal (REDIRECT channels) -------------------------------------------------------
def to_bank(w):
    """Click "Continue to my bank": a plain 303 to the portal URL the API gave."""
    response = w.post("/widget/add_connection/bank")
    assert response.status_code == 303, (response.status_code, screen(response))
    return response.headers["Location"]


def at_bank(client, portal_url, login="demo", password="pw", decision="approve"):
    """Sign in at the sandbox bank and approve or deny; the callback URL the bank sends back to."""
    page = client.get(portal_url)
    assert page.status_code == 200, page.status_code
    request_id = re.search(r'name="request" value="([^"]+)"', text(page)).group(1)
    page = client.post(portal_url, data={"request": request_id, "login": login,
                                         "password": password})
    assert page.status_code == 200, page.status_code
    action = html.unescape(re.search(r'<form method="post" class="actions"\s+action="([^"]+)"',
                                     text(page)).group(1))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(portal_url))
    back = client.post(origin + action, data={"request": request_id, "decision": decision})
    assert back.status_code == 303, back.status_code
    return back.headers["Location"]


def through_bank(w, login="demo", decision="approve"):
    """From the bank_notice screen to the widget's answer to the bank's callback."""
    return w.client.get(at_bank(w.client, to_bank(w), login, decision=decision))


# --- The sandbox Accounts API and the session API, over HTTP -----------------------------------
def api(app, user, path, **params):
    with requests.get(app.live_url + "/sandbox/api/v2.1" + path, params=params, timeout=10,
                      headers={"Authorization": "Bearer " + user["access_token"]}) as response:
        response.raise_for_status()
        return response.json()


def connections(app, user):
    return api(app, user, "/connections")


def accounts(app, user, connection_id):
    return api(app, user, "/accounts", connection_id=connection_id)


def events(client, session_id):
    """The session's tracked events, as the Client reads them."""
    return client.get(f"/widget_session/{session_id}/events", auth=CLIENT).get_json()


def expire_session(app, session_id):
    """The session's lifetime runs out now (as if the user had stayed away too long)."""
    store = app.extensions["widget_sessions"]
    with app.app_context(), store.transaction(session_id) as data:
        data["expires_at_ts"] = time.time() - 1


def hx_messages(response):
    """The `passerelle:messages` payload an htmx answer carries in its HX-Trigger header."""
    return json.loads(response.headers["HX-Trigger"])["passerelle:messages"]


def page_messages(response):
    """The messages block of a full page (its `<script type="application/json">`)."""
    found = re.search(r'<script type="application/json" id="parent-messages">(.*?)</script>',
                      text(response), re.S)
    return json.loads(found.group(1)) if found else None
