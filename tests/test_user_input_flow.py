"""UserInputFlow driven directly, over a scripted in-memory Accounts API."""
import pytest

from tests.fakes import ScriptedApi
from widget.flows.run import Run
from widget.flows.steps import Finish, Screen
from widget.flows.user_input import UserInputFlow


class Ticks:
    """The flow's clock: each reading comes 5 s after the previous one unless told otherwise."""

    def __init__(self, now=1000.0, step=5.0):
        self.now, self.step = now, step

    def __call__(self):
        self.now += self.step
        return self.now


def make_flow(api=None, config=None, **options):
    events = []
    run = Run("user_input", {"captive_mode": True, "connection_id": "c1", **options})
    api = api or ScriptedApi(channels=1)
    flow = UserInputFlow(api, run, lambda name, **data: events.append((name, data)))
    flow.clock = Ticks()
    flow.config = config or {"USER_INPUT_WAIT_SECONDS": 30}
    return flow, api, run, events


def names(events):
    return [name for name, _ in events]


def assert_challenge(outcome, kind="SMS_CODE"):
    assert isinstance(outcome, Screen) and outcome.name == "challenge", outcome
    assert outcome.context["challenge"]["type"] == kind


# --- Finding the challenge ---------------------------------------------------------------------
def test_a_pending_challenge_is_shown_at_once():
    api = ScriptedApi(channels=1)
    api.ask()
    flow, api, run, events = make_flow(api)
    outcome = flow.start()
    assert_challenge(outcome)
    assert outcome.context["provider_name"] == "Banque en Ligne"
    assert run.step == "challenge" and run.channel_id == "ch1"
    assert run.connection_id == "c1"
    assert names(events) == ["CHALLENGE_REQUIRED"]
    assert events[0][1] == {"connection_id": "c1", "challenge_type": "SMS_CODE"}
    # The queue's place is taken before the connection is read: nothing asked in between is lost.
    kinds = [c[0] for c in api.calls]
    assert kinds.index("events") < kinds.index("connection")


@pytest.mark.parametrize("connection_id", ["c2", "", None])
def test_an_unknown_connection_is_invalid(connection_id):
    flow, _, _, _ = make_flow(connection_id=connection_id)
    assert flow.start() == Finish("error", "invalid_connection")


def test_the_challenge_is_found_on_the_queue_while_waiting():
    flow, api, run, events = make_flow()
    outcome = flow.start()
    assert isinstance(outcome, Screen) and outcome.name == "user_input_waiting"
    assert outcome.context["provider_name"] == "Banque en Ligne"
    reads = api.calls.count(("connection", "c1"))
    assert flow.poll().name == "user_input_waiting"
    assert api.calls.count(("connection", "c1")) == reads  # no news on the queue: no read
    api.ask("QUESTION")
    assert_challenge(flow.poll(), "QUESTION")
    assert names(events) == ["CHALLENGE_REQUIRED"]


def test_other_connections_events_are_not_news():
    flow, api, _, _ = make_flow()
    flow.start()
    api.queue.append({"id": "9", "name": "CHALLENGE_REQUIRED", "connection_id": "other", "data": {}})
    reads = api.calls.count(("connection", "c1"))
    assert flow.poll().name == "user_input_waiting"
    assert api.calls.count(("connection", "c1")) == reads


def test_nothing_pending_after_the_configured_wait():
    flow, api, run, _ = make_flow(config={"USER_INPUT_WAIT_SECONDS": 12})
    flow.clock.step = 0
    flow.start()
    assert run.wait_until == flow.clock.now + 12
    flow.clock.now += 11
    assert flow.poll().name == "user_input_waiting"
    flow.clock.now += 1
    assert flow.poll() == Finish("error", "nothing_pending", "c1")


def test_the_default_wait_is_thirty_seconds():
    flow, _, run, _ = make_flow(config={})
    flow.clock.step = 0
    flow.start()
    assert run.wait_until == flow.clock.now + 30


def test_a_challenge_arriving_at_the_deadline_still_wins():
    flow, api, _, _ = make_flow(config={"USER_INPUT_WAIT_SECONDS": 5})
    flow.start()
    api.ask()
    assert_challenge(flow.poll())  # the clock is past the deadline, the queue is read first


def test_polls_closer_than_a_second_ask_the_api_once():
    flow, api, _, _ = make_flow()
    flow.start()
    flow.clock.step = 0.2
    flow.poll()
    asked = len(api.calls)
    assert flow.poll().name == "user_input_waiting"
    assert len(api.calls) == asked


@pytest.mark.parametrize("status, error", [("TOKEN_EXPIRED", "token_expired"),
                                           ("USER_ACTION_REQUIRED", "user_action_required")])
def test_a_blocked_channel_ends_at_once(status, error):
    api = ScriptedApi(channels=1)
    api.channels[0]["status"] = status
    flow, _, _, _ = make_flow(api)
    assert flow.start() == Finish("error", error, "c1")


def test_a_challenge_expired_before_the_widget_opened():
    api = ScriptedApi(channels=1)
    api.ask()
    api.end_challenge("EXPIRED")
    flow, _, _, _ = make_flow(api)
    assert flow.start() == Finish("error", "challenge_expired", "c1")


def test_an_unreachable_bank_only_loses_its_name():
    flow, _, run, _ = make_flow(ScriptedApi(channels=1, provider_id="down"))
    assert flow.start().name == "user_input_waiting" and run.provider_name is None


# --- Answering ---------------------------------------------------------------------------------
def started_with_challenge(kind="SMS_CODE", **options):
    api = ScriptedApi(channels=1)
    api.ask(kind)
    flow, api, run, events = make_flow(api, **options)
    assert_challenge(flow.start(), kind)
    return flow, api, run, events


def test_the_right_answer_then_the_sync_to_its_end():
    flow, api, run, events = started_with_challenge()
    outcome = flow.submit_challenge("123456")
    assert outcome.name == "syncing"
    assert run.step == "syncing"
    api.emit("SYNC_PROGRESS", step=1, steps_total=3, accounts_retrieved=1)
    progress = flow.poll()
    assert progress.name == "syncing" and progress.context["progress"]["step"] == 1
    api.status = "SUCCESS"
    api.emit("SYNC_SUCCESS", accounts_retrieved=2)
    assert flow.poll() == Finish("success", connection_id="c1")
    assert names(events) == ["CHALLENGE_REQUIRED", "SUBMIT_CHALLENGE", "SYNC_FINISHED"]
    assert "123456" not in repr(events) and "123456" not in repr(run)


def test_non_captive_returns_once_the_answer_is_accepted():
    flow, api, _, _ = started_with_challenge(captive_mode=False)
    assert flow.submit_challenge("123456") == Finish("success", connection_id="c1")


def test_a_wrong_answer_is_said_then_the_right_one_goes_on():
    flow, api, run, events = started_with_challenge("QUESTION")
    again = flow.submit_challenge("red")
    assert_challenge(again, "QUESTION")
    assert again.status == 422 and again.context["error"] == "challenge_failed"
    assert names(events) == ["CHALLENGE_REQUIRED", "SUBMIT_CHALLENGE", "ERROR"]
    assert flow.submit_challenge("blue").name == "syncing"


def test_an_empty_answer_is_not_sent():
    flow, api, _, _ = started_with_challenge()
    again = flow.submit_challenge("   ")
    assert again.status == 422 and again.context["error"] == "required"
    assert not [c for c in api.calls if c[0] == "answer_challenge"]


def test_three_wrong_answers_fail_the_challenge():
    flow, _, _, _ = started_with_challenge()
    assert flow.submit_challenge("1").status == 422
    assert flow.submit_challenge("2").status == 422
    assert flow.submit_challenge("3") == Finish("error", "challenge_failed", "c1")


def test_an_expired_challenge_ends_with_challenge_expired():
    flow, api, _, _ = started_with_challenge()
    api.end_challenge("EXPIRED")
    assert flow.submit_challenge("123456") == Finish("error", "challenge_expired", "c1")


def test_an_app_validation_waits_for_the_approval():
    flow, api, run, _ = started_with_challenge("APP_VALIDATION")
    assert_challenge(flow.poll(), "APP_VALIDATION")
    flow.clock.step = 0.2
    asked = len(api.calls)
    assert_challenge(flow.poll(), "APP_VALIDATION")  # too soon: the same screen, the API not asked
    assert len(api.calls) == asked
    flow.clock.step = 5
    api.approve()
    assert flow.poll().name == "syncing"


def test_each_channels_challenge_in_turn():
    api = ScriptedApi(channels=2)
    api.ask("SMS_CODE", channel=0)
    api.ask("QUESTION", channel=1)
    flow, api, run, events = make_flow(api)
    assert_challenge(flow.start())
    assert_challenge(flow.submit_challenge("123456"), "QUESTION")
    assert run.channel_id == "ch2"
    assert flow.submit_challenge("blue").name == "syncing"
    assert names(events).count("CHALLENGE_REQUIRED") == 2


def test_an_answer_that_starts_no_sync_returns_at_once():
    api = ScriptedApi(channels=1)
    api.ask(sync=False)  # an authentication, not a sync, was waiting
    flow, api, _, _ = make_flow(api)
    flow.start()
    assert flow.submit_challenge("123456") == Finish("success", connection_id="c1")


def test_a_sync_that_fails_says_so_then_returns_an_error():
    flow, api, run, events = started_with_challenge()
    flow.submit_challenge("123456")
    api.status = "FAILED"
    api.emit("SYNC_FAILED", error="bank_error")
    failed = flow.poll()
    assert failed.name == "sync_failed"
    assert flow.resume().name == "sync_failed"
    assert flow.leave_failed() == Finish("error", "sync_failed", "c1")
    assert ("SYNC_FINISHED", {"connection_id": "c1", "result": "error", "error": "bank_error"}) in events


def test_a_sync_that_fails_for_an_unnamed_bank_returns_at_once():
    api = ScriptedApi(channels=1, provider_id="down")
    api.ask()
    flow, api, _, _ = make_flow(api)
    flow.start()
    flow.submit_challenge("123456")
    api.emit("SYNC_FAILED", error="bank_error")
    assert flow.poll() == Finish("error", "sync_failed", "c1")


# --- Coming back -------------------------------------------------------------------------------
def test_resume_shows_where_the_run_stands():
    flow, api, run, events = make_flow()
    flow.start()
    assert flow.resume().name == "user_input_waiting"
    api.ask()
    assert_challenge(flow.resume())
    assert_challenge(flow.resume())
    assert names(events) == ["CHALLENGE_REQUIRED"]  # shown again, asked once
    flow.submit_challenge("123456")
    assert flow.resume().name == "syncing"


def test_an_answer_posted_twice_finds_the_step_done():
    flow, api, _, _ = started_with_challenge()
    flow.submit_challenge("123456")
    assert flow.submit_challenge("123456").name == "syncing"
    assert len([c for c in api.calls if c[0] == "answer_challenge"]) == 1
