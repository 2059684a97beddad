"""Duplicate prevention (issue 13, part 5), AddConnectionFlow driven directly: a bank the user
is already connected to offers to update that connection, or with allow_duplicates, to add
another."""
from tests.fakes import ScriptedApi, add_connection_flow
from widget.flows.steps import Finish


def already_connected(**options):
    """An add_connection run whose user has connection c1 at `web` (channel ch1)."""
    flow, _, run, events = add_connection_flow(**options)
    api = flow.api = flow.along.api = ScriptedApi(channels=1, provider_id="web")
    return flow, api, run, events


def test_a_bank_with_a_connection_offers_to_update_it_only_by_default():
    flow, api, run, _ = already_connected()
    flow.start()
    screen = flow.choose_provider("web")
    assert screen.name == "duplicate" and run.step == "duplicate"
    assert screen.context["allow_duplicates"] is False and screen.context["can_go_back"]
    assert run.existing_connection_id == "c1" and not run.connection_id
    refused = flow.answer_duplicate("add")  # not allowed: the screen again, saying so
    assert refused.name == "duplicate" and refused.status == 422
    assert refused.context["error"] == "invalid_choice"
    assert not [call for call in api.calls if call[0] == "create_connection"]


def test_updating_renews_the_existing_channel_and_ends_with_its_connection_id():
    flow, api, run, events = already_connected()
    flow.start()
    flow.choose_provider("web")
    form = flow.answer_duplicate("update")
    assert form.name == "credentials" and run.connection_id == "c1"
    assert run.renew_channel_id == "ch1"
    screen = flow.submit_credentials({"login": "demo", "password": "new"})
    assert screen.name == "syncing"  # the consent stands: no accounts screen
    assert ("update_credentials", "ch1") in api.calls
    assert not [call for call in api.calls if call[0] in ("create_connection", "add_channel")]
    api.emit("SYNC_SUCCESS", accounts_retrieved=1)
    assert flow.poll() == Finish("success", connection_id="c1")
    assert ("CONNECTION_UPDATED", {"connection_id": "c1", "channel_id": "ch1"}) in events
    assert "CONNECTION_CREATED" not in [name for name, _ in events]


def test_with_allow_duplicates_the_user_may_add_another_connection():
    flow, api, run, events = already_connected(allow_duplicates=True)
    flow.start()
    screen = flow.choose_provider("web")
    assert screen.name == "duplicate" and screen.context["allow_duplicates"] is True
    form = flow.answer_duplicate("add")
    assert form.name == "credentials" and not run.renew_channel_id
    assert run.existing_connection_id is None
    flow.submit_credentials({"login": "demo", "password": "pw"})
    assert ("create_connection", "web-embedded") in api.calls
    assert "CONNECTION_CREATED" in [name for name, _ in events]


def test_another_bank_is_not_a_duplicate_and_back_leads_to_the_list():
    flow, api, run, _ = already_connected()
    flow.start()
    assert flow.choose_provider("psd2").name == "bank_notice"
    flow, api, run, _ = already_connected()
    flow.start()
    flow.choose_provider("web")
    assert flow.resume().name == "duplicate"  # a reload shows it again
    assert flow.back_to_providers().name == "providers"
    assert flow.answer_duplicate("update").name == "providers"  # not at that step any more


def test_a_preselected_bank_asks_too_and_offers_no_other_bank():
    flow, _, run, _ = already_connected(provider_id="web")
    screen = flow.start()
    assert screen.name == "duplicate" and screen.context["can_go_back"] is False


def test_an_unknown_choice_is_refused():
    flow, _, _, _ = already_connected(allow_duplicates=True)
    flow.start()
    flow.choose_provider("web")
    assert flow.answer_duplicate("").status == 422
    assert flow.answer_duplicate("delete").context["error"] == "invalid_choice"


def connected_at_demo_by_its_portal(**options):
    """The user's connection c1 at `demo` has its REDIRECT channel (payment accounts) only."""
    flow, api, run, events = already_connected(**options)
    api.provider_id, api.channels[0]["channel_definition_id"] = "demo", "demo-redirect"
    return flow, api, run, events


def test_the_same_channel_is_a_duplicate_and_the_update_renews_it_at_the_bank():
    flow, api, run, _ = connected_at_demo_by_its_portal()
    flow.start()
    assert flow.choose_provider("demo").name == "duplicate"
    assert flow.answer_duplicate("update").name == "bank_notice"
    assert run.renew_channel_id == "ch1" and run.connection_id == "c1"


def test_a_declination_the_connection_lacks_is_not_a_duplicate():
    # select_channel offers savings (EMBEDDED) too, which c1 lacks: the user may add them.
    flow, _, _, _ = connected_at_demo_by_its_portal(select_channel=True)
    flow.start()
    assert flow.choose_provider("demo").name == "channel_choice"
    flow, _, _, _ = connected_at_demo_by_its_portal(channel_definition_id="demo-embedded")
    flow.start()
    assert flow.choose_provider("demo").name == "credentials"
