"""Injected faults: a 500, a slow answer, and a connection dropped without an answer."""
import threading
import time

import pytest
import requests
from werkzeug.serving import make_server


def test_header_makes_a_call_answer_500(user):
    response = user.get("/providers", headers={"X-Sandbox-Fault": "500"})
    assert response.status_code == 500
    assert response.json["error"] == "server_error"
    assert user.get("/providers").status_code == 200


def test_token_endpoint_can_fail_too(sandbox_client):
    response = sandbox_client.http.post("/sandbox/auth/token",
                                        data={"grant_type": "client_credentials"},
                                        headers={"X-Sandbox-Fault": "500"})
    assert response.status_code == 500


def test_config_maps_path_prefixes_to_faults(app, user):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/connections": "500",
                                    "/sandbox/api/v2.1/connections/0": "timeout"}
    assert user.get("/connections").status_code == 500
    assert user.get("/providers").status_code == 200
    app.config["SANDBOX_FAULTS"] = {}
    assert user.get("/connections").status_code == 200


def test_timeout_sleeps_then_answers(app, user):
    app.config["SANDBOX_FAULT_TIMEOUT_SECONDS"] = 0.2
    started = time.monotonic()
    response = user.get("/providers?limit=1", headers={"X-Sandbox-Fault": "timeout"})
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200


def test_drop_escapes_the_app(user):
    with pytest.raises(ConnectionResetError):
        user.get("/providers", headers={"X-Sandbox-Fault": "drop"})


def test_unknown_fault_names_and_other_paths_are_ignored(user):
    assert user.get("/providers", headers={"X-Sandbox-Fault": "explode"}).status_code == 200
    response = user.http.get("/sandbox-not/x", headers={"X-Sandbox-Fault": "drop"})
    assert response.status_code == 404


@pytest.fixture
def served(app):
    """The app behind werkzeug's real server, as in development."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_drop_closes_the_socket_under_werkzeug(served):
    url = served + "/sandbox/api/v2.1/providers"
    with pytest.raises(requests.ConnectionError):
        requests.get(url, headers={"X-Sandbox-Fault": "drop"}, timeout=5)
    # The server lives on.
    assert requests.get(url, timeout=5).status_code == 401


def test_timeout_trips_the_clients_read_timeout(app, served):
    app.config["SANDBOX_FAULT_TIMEOUT_SECONDS"] = 1
    with pytest.raises(requests.ReadTimeout):
        requests.get(served + "/sandbox/api/v2.1/providers",
                     headers={"X-Sandbox-Fault": "timeout"}, timeout=(1, 0.2))


NEW_CONNECTION = {"provider_id": "web", "channel_definition_id": "web-embedded",
                  "credentials": {"login": "demo", "password": "pw"}}


def test_lost_runs_the_call_then_drops_its_answer(user):
    with pytest.raises(ConnectionResetError):
        user.post("/connections", json=NEW_CONNECTION, headers={"X-Sandbox-Fault": "lost"})
    assert len(user.get("/connections").json) == 1  # done upstream all the same


def test_late_runs_the_call_then_answers_after_the_timeout(app, user):
    app.config["SANDBOX_FAULT_TIMEOUT_SECONDS"] = 0.1
    response = user.post("/connections", json=NEW_CONNECTION, headers={"X-Sandbox-Fault": "late"})
    assert response.status_code == 201 and response.json["provider_id"] == "web"
    assert len(user.get("/connections").json) == 1


def test_slow_waits_then_does_the_work_and_answers(app, user, monkeypatch):
    from widget.sandbox import faults

    waits = []
    monkeypatch.setattr(faults.SandboxFaults, "sleep", lambda self: waits.append("waited"))
    response = user.post("/connections", json=NEW_CONNECTION, headers={"X-Sandbox-Fault": "slow"})
    assert response.status_code == 201 and waits == ["waited"]
    assert len(user.get("/connections").json) == 1


def test_a_counted_fault_hits_that_many_requests_then_leaves(app, user):
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/connections": "lost:2"}
    for _ in range(2):
        with pytest.raises(ConnectionResetError):
            user.post("/connections", json=NEW_CONNECTION)
    assert app.config["SANDBOX_FAULTS"] == {}
    assert len(user.get("/connections").json) == 2


def test_lost_closes_the_socket_after_the_work_under_werkzeug(app, served):
    app.config["SANDBOX_FAULT_TIMEOUT_SECONDS"] = 5
    url = served + "/sandbox/auth/token"
    with pytest.raises(requests.ConnectionError):
        requests.post(url, data={"grant_type": "client_credentials"},
                      auth=("demo-client", "demo-secret"), headers={"X-Sandbox-Fault": "lost"},
                      timeout=(1, 4))  # a hang-up at once, not the fault's 5 s wait


def test_late_trips_the_clients_read_timeout_after_the_work(app, served):
    app.config["SANDBOX_FAULT_TIMEOUT_SECONDS"] = 1
    with pytest.raises(requests.ReadTimeout):
        requests.post(served + "/sandbox/auth/token", data={"grant_type": "client_credentials"},
                      auth=("demo-client", "demo-secret"), headers={"X-Sandbox-Fault": "late"},
                      timeout=(1, 0.2))


@pytest.mark.parametrize("fault", ["500", "drop", "lost"])
def test_without_fault_injection_nothing_fails_by_header_or_setting(app, user, fault):
    """A public sandbox: nobody can make its calls fail, or its workers hang, with a header."""
    app.config["SANDBOX_FAULT_INJECTION"] = False
    app.config["SANDBOX_FAULTS"] = {"/sandbox/api/v2.1/providers": fault}
    assert user.get("/providers?limit=1", headers={"X-Sandbox-Fault": fault}).status_code == 200


@pytest.mark.parametrize("injection, expected", [(False, None), (True, "timeout")])
def test_a_slow_fault_is_chosen_only_with_fault_injection(injection, expected):
    from widget.sandbox.faults import SandboxFaults

    faults = SandboxFaults(None, {"SANDBOX_FAULT_INJECTION": injection, "SANDBOX_FAULTS": {}})
    environ = {"PATH_INFO": "/sandbox/api/v2.1/providers", "HTTP_X_SANDBOX_FAULT": "timeout"}
    assert faults.fault_for(environ) == expected
