"""Bank status before the user tries (issue 13, part 6): a bank the API reports DOWN or
DEGRADED says so in the list and on its first screen; the user can still choose another."""
import re

from tests.fakes import PROVIDERS, add_connection_flow
from tests.widget_driver import open_widget, page_text, screen

SELECT = "/widget/add_connection/provider"


def button_of(page, provider_id):
    """The visible text of the bank's button in the list, spaces collapsed."""
    found = re.search(r'value="%s" class="provider">(.*?)</button>' % re.escape(provider_id),
                      page_text(page), re.S)
    assert found, provider_id
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


# The flow, without HTTP
def test_a_degraded_bank_is_remembered_for_its_screens():
    flow, _, run, _ = add_connection_flow()
    PROVIDERS["web"]["status"] = "DEGRADED"
    try:
        assert flow.choose_provider("web").name == "credentials"
        assert run.provider_degraded
    finally:
        del PROVIDERS["web"]["status"]
    flow.back_to_providers()
    assert flow.choose_provider("demo") and not run.provider_degraded


def test_a_bank_reported_down_shows_the_down_screen_even_when_it_answers():
    flow, _, run, events = add_connection_flow()
    PROVIDERS["web"]["status"] = "DOWN"
    try:
        down = flow.choose_provider("web")
    finally:
        del PROVIDERS["web"]["status"]
    assert down.name == "provider_down" and down.status == 503
    assert run.provider_id == "web" and not run.connection_id
    assert "SELECT_PROVIDER" not in [name for name, _ in events]


# Over HTTP, the embedded sandbox marking banks
def test_the_list_says_which_banks_are_down_or_disrupted_in_words(app, client, user):
    app.config["SANDBOX_PROVIDER_STATUS"] = {"web": "DEGRADED"}
    _, page = open_widget(client, user)
    assert button_of(page, "down") .endswith("Banque Panne Nantes Indisponible")
    assert button_of(page, "web").endswith("Lille Perturbée")
    assert button_of(page, "demo").endswith("Paris")  # UP: nothing said


def test_the_list_speaks_the_user_s_language(app, client, user):
    _, page = open_widget(client, user, locale="de")
    assert button_of(page, "down").endswith("Nicht verfügbar")


def test_a_degraded_bank_s_first_screen_says_so_and_the_user_may_go_on(app, client, user):
    app.config["SANDBOX_PROVIDER_STATUS"] = {"web": "DEGRADED", "psd2": "DEGRADED"}
    w, _ = open_widget(client, user)
    page = w.post(SELECT, provider_id="web")
    assert screen(page) == "credentials"
    assert "Service perturbé :" in page_text(page)
    page = w.post("/widget/add_connection/back")
    assert screen(page) == "providers"
    page = w.post(SELECT, provider_id="psd2")
    assert screen(page) == "bank_notice" and "Service perturbé" in page_text(page)
    page = w.post("/widget/add_connection/back")
    page = w.post(SELECT, provider_id="demo")  # an UP bank says nothing
    assert screen(page) in ("channel_choice", "bank_notice") and "perturbé" not in page_text(page)


def test_a_bank_marked_down_offers_another_bank(app, client, user):
    app.config["SANDBOX_PROVIDER_STATUS"] = {"web": "DOWN"}
    w, _ = open_widget(client, user)
    page = w.post(SELECT, provider_id="web")
    assert page.status_code == 503 and screen(page) == "provider_down"
    assert "/widget/add_connection/back" in page_text(page)  # "Choose another bank"
    assert screen(w.post("/widget/add_connection/back")) == "providers"


def test_a_preselected_degraded_bank_opens_on_its_notice(app, client, user):
    app.config["SANDBOX_PROVIDER_STATUS"] = {"web": "DEGRADED"}
    _, page = open_widget(client, user, provider_id="web")
    assert screen(page) == "credentials" and "Service perturbé" in page_text(page)
