"""user_input in Chromium, with and without JavaScript: the challenge of a sync the Client
started, found at once or while waiting, and the bounded wait when the bank asks nothing."""
import pytest
import requests
from playwright.sync_api import expect

from tests.browser.page_steps import press, result_of
from tests.client_backend import sandbox_user, widget_link
from tests.live_server import build_app

pytestmark = pytest.mark.browser


def served(tmp_path, **config):
    # Every sync asks the challenge again (the default validity is 5 minutes of real time).
    app, server = build_app(tmp_path, SANDBOX_SYNC_SECONDS=2, SANDBOX_APP_VALIDATION_DELAY=2,
                            SANDBOX_SCA_VALIDITY=0, **config)
    server.start()
    app.live_url = server.url
    return app, server


@pytest.fixture
def live_app(tmp_path):
    app, server = served(tmp_path)
    yield app
    server.stop()


@pytest.fixture
def short_wait_app(tmp_path):
    app, server = served(tmp_path, USER_INPUT_WAIT_SECONDS=2)
    yield app
    server.stop()


class Client:
    """The integrator's backend: a user with an otp connection made earlier, and its API."""

    def __init__(self, app, login="otp"):
        self.app = app
        self.user = sandbox_user(app, accept_terms=True)
        self.base = app.live_url + "/sandbox/api/v2.1"
        connection = self.call("POST", "/connections", json={
            "provider_id": "web", "channel_definition_id": "web-embedded",
            "credentials": {"login": login, "password": "pw"}})
        self.connection_id = connection["id"]
        channel = connection["channels"][0]
        if channel["status"] == "CHALLENGE_REQUIRED":  # the earlier widget run answered it
            self.call("POST", "/connections/%s/channels/%s/challenges/%s" % (
                self.connection_id, channel["id"], channel["challenge"]["id"]),
                json={"answer": "123456"})
        self.call("PUT", "/connections/%s/consents" % self.connection_id, json={"all_accounts": True})

    def call(self, method, path, **kwargs):
        with requests.request(method, self.base + path, timeout=10, **kwargs, headers={
                "Authorization": "Bearer " + self.user["access_token"]}) as response:
            response.raise_for_status()
            return response.json() if response.content else None

    def synchronize(self):
        return self.call("POST", "/connections/%s/synchronize" % self.connection_id)

    def link(self, **query):
        return widget_link(self.app, self.user, "user_input",
                           query={"connection_id": self.connection_id, **query})


def answer_and_finish(page, client, javascript, sms_label="Code reçu par SMS", confirm="Valider"):
    if javascript:  # after the swap, focus lands on the code field
        expect(page.get_by_label(sms_label)).to_be_focused()
    page.get_by_label(sms_label).fill("123456")
    press(page, confirm)
    page.locator("#sync-progress[role=status][aria-live=polite]").wait_for()
    result = result_of(page)
    assert result["result"] == "success" and result["widget"] == "user_input"
    assert result["connection_id"] == client.connection_id
    assert client.call("GET", "/connections/" + client.connection_id)["status"] == "SUCCESS"


def test_sms_code_of_a_sync_then_back_to_the_client(live_app, page_for, javascript):
    client = Client(live_app)
    assert client.synchronize()["channels"][0]["status"] == "CHALLENGE_REQUIRED"
    page = page_for(javascript=javascript)
    page.goto(client.link())
    expect(page.get_by_role("heading", name="Vérification par votre banque")).to_be_visible()
    answer_and_finish(page, client, javascript)


def test_a_challenge_asked_while_the_widget_waits(live_app, page_for, javascript):
    client = Client(live_app)
    page = page_for(javascript=javascript, locale="en-GB")
    page.goto(client.link())
    expect(page.locator("#user-input-wait[role=status][aria-live=polite]")).to_contain_text(
        "Waiting for Banque en Ligne to ask you for a verification.")
    client.synchronize()  # the Client starts the sync now: the page finds its challenge by itself
    answer_and_finish(page, client, javascript, "Code received by SMS", "Confirm")


def test_nothing_pending_returns_an_error(short_wait_app, page_for, javascript):
    client = Client(short_wait_app, login="demo")
    page = page_for(javascript=javascript, locale="en-GB")
    page.goto(client.link())
    expect(page.get_by_role("heading", name="Verification by your bank")).to_be_visible()
    result = result_of(page)
    assert result["result"] == "error" and result["error"] == "nothing_pending"
    assert result["error_description"] == "Your bank did not ask for any verification."
    assert result["widget"] == "user_input" and result["connection_id"] == client.connection_id
