"""The Idempotency-Key of each step that changes something upstream, driven over the flows."""
import pytest

from tests.fakes import add_connection_flow, connect_embedded, through_the_bank
from widget.flows.run import Step
from widget.upstream import NetworkError, ServerError


def keys_of(api, call):
    return [key for name, key in api.keys if name == call]


def at_credentials(**options):
    flow, api, run, events = add_connection_flow(**options)
    flow.start()
    assert flow.choose_provider("web").name == "credentials"
    return flow, api, run


def lose_answers_of(api, call, error):
    """The next `call` fails with `error` after recording its key (the answer was lost)."""
    real = getattr(api, call)

    def lost(*args, **kwargs):
        setattr(api, call, real)
        api.keys.append((call, kwargs.get("idempotency_key")))
        raise error

    setattr(api, call, lost)


def test_every_change_of_a_journey_carries_a_key():
    flow, api, run = at_credentials()
    connect_embedded(flow, login="otp")
    flow.submit_challenge("123456")
    flow.consent()
    assert [name for name, _ in api.keys] == ["create_connection", "answer_challenge",
                                              "synchronize"]
    keys = [key for _, key in api.keys]
    assert all(len(key) == 64 for key in keys) and len(set(keys)) == 3


@pytest.mark.parametrize("error", [NetworkError("network_error"), ServerError("server_error")])
def test_a_try_whose_outcome_is_unknown_is_repeated_under_its_key(error):
    flow, api, run = at_credentials()
    lose_answers_of(api, "create_connection", error)
    with pytest.raises(type(error)):
        connect_embedded(flow)
    assert connect_embedded(flow).name == "accounts"  # the user sends the form again
    first, again = keys_of(api, "create_connection")
    assert first == again


def test_a_refused_try_is_followed_by_a_new_key():
    flow, api, run = at_credentials()
    assert flow.submit_credentials({"login": "demo", "password": "wrong"}).name == "credentials"
    assert connect_embedded(flow).name == "accounts"
    wrong, right = keys_of(api, "create_connection")
    assert wrong != right


def test_the_keys_are_kept_in_the_run_without_the_steps_secrets():
    flow, api, run, _ = add_connection_flow()
    flow.start()
    through_the_bank(flow, api)
    assert "code-state-1" not in str(run)  # the bank's code names its step by digest only
    assert run.key_seed and run.answered_steps


def test_each_trip_to_the_bank_is_a_step_of_its_own():
    flow, api, run, _ = add_connection_flow()
    flow.start()
    lose_answers_of(api, "create_connection", NetworkError("network_error"))
    with pytest.raises(NetworkError):
        through_the_bank(flow, api)
    run.step = Step.BANK_NOTICE  # the user goes to the bank again: a new state, a new code
    redirect = flow.go_to_bank("state-2", "http://widget.test/callback", "fr")
    assert redirect.url.endswith("state-2")
    flow.bank_callback("state-2", "code-state-2", "", "http://widget.test/callback")
    first, second = keys_of(api, "create_connection")
    assert first != second


def test_another_run_uses_other_keys():
    flows = [at_credentials() for _ in range(2)]
    for flow, api, run in flows:
        connect_embedded(flow)
    assert keys_of(flows[0][1], "create_connection") != keys_of(flows[1][1], "create_connection")

