"""The providers' `status` (issue 13, part 6): UP, DEGRADED or DOWN, Banque Panne DOWN, and
any provider marked by SANDBOX_PROVIDER_STATUS."""


def statuses(response):
    return {provider["id"]: provider["status"] for provider in response.json}


def test_every_provider_has_a_status_and_banque_panne_is_down(user):
    listed = statuses(user.get("/providers?limit=10"))
    assert listed["down"] == "DOWN" and listed["demo"] == "UP"
    assert set(listed.values()) == {"UP", "DOWN"}
    assert user.get("/providers/demo").json["status"] == "UP"
    assert user.get("/providers/down").status_code == 503


def test_the_setting_marks_providers_degraded_down_or_up(app, user):
    app.config["SANDBOX_PROVIDER_STATUS"] = {"web": "DEGRADED", "psd2": "DOWN", "down": "UP"}
    listed = statuses(user.get("/providers?limit=10"))
    assert (listed["web"], listed["psd2"], listed["down"], listed["demo"]) == (
        "DEGRADED", "DOWN", "UP", "UP")
    assert user.get("/providers/web").json["status"] == "DEGRADED"
    down = user.get("/providers/psd2")
    assert down.status_code == 503 and down.json["error"] == "provider_unavailable"
    assert user.get("/providers/down").json["status"] == "UP"
