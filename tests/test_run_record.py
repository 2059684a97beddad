"""A run as the session store keeps it: versioned records, the unversioned dicts written before
runs were typed (a deploy in the middle of a user's run), and records no run can come from."""
import json

import pytest

from tests.widget_driver import open_widget, returned, text
from widget.flows.run import VERSION, Run, Step
from widget.flows.steps import Finish

# As the widget wrote a run at the challenge step before runs were typed (no version).
OLD_AT_CHALLENGE = {
    "widget": "add_connection", "locale": "fr", "step": "challenge",
    "options": {"redirect_url": "https://client.example/done", "captive_mode": True},
    "key_seed": "5eed", "answered_steps": {"ab12": 1}, "provider_id": "web",
    "provider_name": "Banque en Ligne", "queue": [],
    "definition": {"id": "web-embedded", "mode": "EMBEDDED", "credential_fields": []},
    "connection_id": "c1", "channel_id": "ch1", "challenge_id": "k1",
    "challenge": {"id": "k1", "type": "SMS_CODE", "label": "Code", "expires_at": None},
}
# ...and at the syncing step, with the bank's second ask pending (after_challenge).
OLD_AT_SYNCING = {
    "widget": "add_connection", "options": {"captive_mode": True}, "locale": "en",
    "step": "syncing", "key_seed": "5eed", "connection_id": "c1", "channel_id": "ch1",
    "provider_id": "web", "provider_name": "Banque en Ligne", "queue": [],
    "consented_ids": ["a1", "a2"], "event_cursor": "17", "polled_at": 1000,
    "progress": {"step": 1, "steps_total": 3}, "after_challenge": "syncing",
}


def test_a_run_comes_back_from_its_record_as_it_was():
    run = Run("add_connection", {"captive_mode": True}, "fr", Step.CHALLENGE,
              connection_id="c1", challenge={"id": "k1"}, after_challenge=Step.SYNCING,
              polled_at=12.5, ending=Finish("error", "bank_denied"))
    record = json.loads(json.dumps(run.to_record()))  # as the store writes and reads it
    assert record["v"] == VERSION and record["step"] == "challenge"
    assert "queue" not in record and "bank_state" not in record  # defaults are not stored
    assert Run.from_record(record) == run
    assert Run.from_record(record).to_record() == record  # unchanged: the store writes nothing


def test_a_record_reads_whatever_the_order_of_its_keys_and_ignores_other_keys():
    record = json.loads(json.dumps(OLD_AT_SYNCING))
    shuffled = dict(reversed(list(record.items())), later_field="kept by a newer release")
    assert Run.from_record(shuffled) == Run.from_record(record)


def test_defaults_are_compared_not_shared():
    """A field's default is made once to tell what to leave out of a record: a run that fills
    its own list leaves every other run's, and what is written, alone."""
    busy = Run("add_connection")
    busy.queue.append({"id": "web-embedded"})
    busy.known_values["login"] = "x"
    assert busy.to_record()["queue"] == [{"id": "web-embedded"}]
    assert Run("add_connection").queue == [] and Run("add_connection").known_values == {}
    assert Run("add_connection").to_record() == {"v": VERSION, "widget": "add_connection"}
    busy.queue.clear()
    assert "queue" not in busy.to_record()


@pytest.mark.parametrize("old", [OLD_AT_CHALLENGE, OLD_AT_SYNCING])
def test_a_run_written_before_runs_were_typed_loads(old):
    run = Run.from_record(json.loads(json.dumps(old)))
    assert run is not None and run.step == Step(old["step"])
    for name, value in old.items():
        assert getattr(run, name) == value, name
    assert run.to_record()["v"] == VERSION


def test_old_records_fields_keep_their_types():
    run = Run.from_record(OLD_AT_SYNCING)
    assert run.after_challenge is Step.SYNCING and isinstance(run.polled_at, float)
    ended = Run.from_record({"widget": "terms", "step": "finishing",
                             "ending": {"result": "error", "error": "bank_denied",
                                        "connection_id": None}})
    assert ended.ending == Finish("error", "bank_denied")


@pytest.mark.parametrize("record", [
    None, [], "add_connection", {}, {"step": "challenge"}, {"widget": 3},
    {"widget": "add_connection", "options": "all"},
    {"widget": "add_connection", "queue": {"id": "x"}},
    {"widget": "add_connection", "polled_at": "soon"},
    {"widget": "add_connection", "terms_pending": "yes"},
    {"widget": "add_connection", "connection_id": ["c1"]},
    {"widget": "add_connection", "ending": {"error": "x"}},
    {"widget": "add_connection", "v": VERSION + 1},
])
def test_a_record_no_run_comes_from_is_refused(record):
    assert Run.from_record(record) is None


def test_an_unknown_step_reads_as_no_step():
    run = Run.from_record({"widget": "add_connection", "step": "teleport",
                           "after_challenge": "elsewhere"})
    assert run.step is None and run.after_challenge is None and not run.in_progress


# --- In the widget: a session holding an old record goes on; a tampered one never fails --------
def _open_at_challenge(client, user):
    w, _ = open_widget(client, user, provider_id="web")
    page = w.post("/widget/add_connection/credentials", login="otp", password="pw-otp")
    assert 'data-screen="challenge"' in text(page)
    return w


def _rewrite_run(client, w, change):
    store = client.application.extensions["widget_sessions"]
    with store.transaction(w.session_id) as data:
        data["run"] = change(data["run"])


def _unversioned(record):
    """The record as the code before typed runs wrote it: no version, empty lists kept."""
    old = {k: v for k, v in record.items() if k != "v"}
    old.setdefault("queue", [])
    return old


def test_a_session_from_before_the_deploy_goes_on_at_the_challenge_then_the_sync(client, user,
                                                                               clock):
    w = _open_at_challenge(client, user)
    _rewrite_run(client, w, _unversioned)
    page = w.post("/widget/add_connection/challenge", answer="123456")
    assert 'data-screen="accounts"' in text(page)
    page = w.post("/widget/add_connection/consent")
    assert 'data-screen="syncing"' in text(page)
    _rewrite_run(client, w, _unversioned)
    clock.advance(60)
    params = returned(w.get("/widget/add_connection/wait"))
    assert params["result"] == "success" and params["connection_id"]


@pytest.mark.parametrize("tampered", [
    {"widget": "add_connection", "step": "teleport"},
    {"widget": "no_such_widget", "step": "challenge"},
    {"widget": "add_connection", "step": "challenge", "connection_id": {"x": 1}},
    "not a run",
])
def test_a_tampered_run_is_stale_or_starts_afresh_never_a_failure(client, user, tampered):
    w = _open_at_challenge(client, user)
    _rewrite_run(client, w, lambda record: tampered)
    page = w.post("/widget/add_connection/challenge", answer="123456")
    assert page.status_code == 409 and 'data-screen="stale"' in text(page)
    assert w.get("/widget/resume").status_code == 409
    page = w.get("/widget/add_connection")
    # provider_id=web: a fresh start at that bank, where the connection made before the
    # tampering now exists: the duplicate screen (issue 13 part 5) offers to update it
    assert page.status_code == 200 and 'data-screen="duplicate"' in text(page)
