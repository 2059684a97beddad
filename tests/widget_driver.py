"""A widget session as a Client and a user's browser drive it, through Flask's test client
against the live sandbox: the session API, the widget's pages and forms, the sandbox bank portal."""
import base64
import html
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

from tests.client_backend import CLIENT

RETURN = "http://localhost:5000/playground/return"
HTMX = {"HX-Request": "true"}
NAVIGATE = {"Sec-Fetch-Mode": "navigate"}


def create_session(client, user, auth=CLIENT, **options):
    """POST /widget_session as the demo Client; the response."""
    data = {"access_token": user["access_token"], "refresh_token": user.get("refresh_token"),
            **options}
    data = {k: v for k, v in data.items() if v is not None}
    header = "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode()
    return client.post("/widget_session", data=data, headers={"Authorization": header})


class Widget:
    """Drives one widget session like a browser: without JavaScript, or sending htmx's headers."""

    def __init__(self, client, session_id):
        self.client = client
        self.session_id = session_id
        self.csrf = None

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

    def _remember(self, response):
        found = re.search(rb'name="csrf_token" value="([^"]+)"', response.data)
        if found:
            self.csrf = found.group(1).decode()


def open_widget(client, user, widget="add_connection", query=None, **options):
    """A new session made by the Client with `options`, its widget opened: (Widget, page)."""
    options.setdefault("redirect_url", RETURN)
    created = create_session(client, user, **options)
    assert created.status_code == 201, created.data
    w = Widget(client, created.get_json()["session_id"])
    return w, w.get("/widget/" + widget, **(query or {}))


def open_user_input(client, user, connection_id, **options):
    return open_widget(client, user, "user_input", query={"connection_id": connection_id},
                       **options)


def returned(response):
    """The query the widget sent the user back to RETURN with."""
    location = response.headers.get("Location") or response.headers.get("HX-Redirect")
    assert location and location.startswith(RETURN), (response.status_code, location)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def ended(response):
    """The query of the redirect ending the widget (to any redirect URL)."""
    location = response.headers.get("Location") or response.headers.get("HX-Redirect")
    assert location, (response.status_code, screen(response))
    return query_of(location)


def text(response):
    return response.get_data(as_text=True)


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


# --- The session API, as the Client reads it ---------------------------------------------------
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
