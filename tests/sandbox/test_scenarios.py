"""The login scenarios, played by moving the fake clock instead of waiting."""


def test_plain_sync_takes_three_seconds_in_three_steps(user, clock):
    connection = user.connect()
    cid = connection["id"]
    user.consent_all(cid)
    started = user.sync(cid)
    assert started["status"] == "RUNNING"
    assert started["channels"][0]["status"] == "RUNNING"
    assert started["sync"]["step"] == 0
    assert started["sync"]["started_at"] is not None
    clock.advance(1)
    assert user.connection(cid)["sync"]["step"] == 1
    clock.advance(1.5)
    middle = user.connection(cid)["sync"]
    assert (middle["step"], middle["accounts_retrieved"]) == (2, 2)
    assert middle["status"] == "RUNNING"
    clock.advance(0.5)
    done = user.connection(cid)
    assert done["status"] == "SUCCESS"
    assert done["sync"] == {**done["sync"], "status": "SUCCESS", "step": 3,
                            "accounts_retrieved": 4, "error": None}
    assert done["last_sync_date"] == done["sync"]["finished_at"]
    assert done["channels"][0]["status"] == "SUCCESS"
    names = user.event_names(cid)
    assert names[2:] == ["SYNC_STARTED", "SYNC_PROGRESS", "SYNC_PROGRESS", "SYNC_PROGRESS",
                         "SYNC_SUCCESS"]
    # Reading again queues nothing more: events are materialised once.
    clock.advance(60)
    user.connection(cid)
    assert len(user.event_names(cid)) == len(names)


def test_sync_events_carry_progress_and_dates(user, clock):
    cid = user.connect()["id"]
    user.consent_all(cid)
    user.sync(cid)
    clock.advance(10)  # read long after: each event keeps the moment it happened
    progress = [e for e in user.events() if e["name"] == "SYNC_PROGRESS"]
    assert [e["data"] for e in progress] == [
        {"step": 1, "steps_total": 3, "accounts_retrieved": 1},
        {"step": 2, "steps_total": 3, "accounts_retrieved": 2},
        {"step": 3, "steps_total": 3, "accounts_retrieved": 4},
    ]
    dates = [e["date"] for e in progress]
    assert dates == sorted(dates) and len(set(dates)) == 3


def test_asking_twice_does_not_start_a_second_sync(user, clock):
    cid = user.connect()["id"]
    first = user.sync(cid)
    clock.advance(1)
    second = user.sync(cid)
    assert second["sync"]["started_at"] == first["sync"]["started_at"]


def test_otp_wrong_then_right_answer(user, clock):
    connection = user.connect(login="otp")
    cid = connection["id"]
    channel = connection["channels"][0]
    assert channel["status"] == "CHALLENGE_REQUIRED"
    challenge = channel["challenge"]
    assert challenge["type"] == "SMS_CODE"
    assert challenge["status"] == "PENDING"
    assert challenge["label"]["fr"] and challenge["label"]["en"]
    assert user.accounts(cid) == []
    path = f"/connections/{cid}/channels/{channel['id']}/challenges/{challenge['id']}"
    wrong = user.post(path, json={"answer": "000000"})
    assert wrong.status_code == 403
    assert wrong.json["error"] == "challenge_failed"
    assert user.connection(cid)["channels"][0]["challenge"]["status"] == "PENDING"
    right = user.post(path, json={"answer": "123456"})
    assert right.status_code == 200
    assert right.json["channels"][0]["status"] == "SUCCESS"
    assert right.json["channels"][0]["challenge"]["status"] == "APPROVED"
    assert len(user.accounts(cid)) == 4
    assert user.post(path, json={"answer": "123456"}).status_code == 409
    names = user.event_names(cid)
    assert names == ["CONNECTION_CREATED", "CHALLENGE_REQUIRED", "CHALLENGE_APPROVED",
                     "ACCOUNTS_UPDATED"]
    required = [e for e in user.events() if e["name"] == "CHALLENGE_REQUIRED"][0]
    assert required["data"] == {"challenge_id": challenge["id"], "type": "SMS_CODE"}
    assert "123456" not in str(user.events())


def test_three_wrong_answers_fail_the_channel(user):
    connection = user.connect(login="otp")
    channel = connection["channels"][0]
    path = (f"/connections/{connection['id']}/channels/{channel['id']}"
            f"/challenges/{channel['challenge']['id']}")
    for _ in range(3):
        assert user.post(path, json={"answer": "1"}).status_code == 403
    after = user.connection(connection["id"])["channels"][0]
    assert after["status"] == "AUTH_FAILED"
    assert after["challenge"]["status"] == "FAILED"
    assert user.post(path, json={"answer": "123456"}).status_code == 409
    assert user.post(f"/connections/{connection['id']}/synchronize").status_code == 409


def test_challenge_answer_validation(user):
    connection = user.connect(login="otp")
    channel = connection["channels"][0]
    base = f"/connections/{connection['id']}/channels/{channel['id']}/challenges/"
    assert user.post(base + channel["challenge"]["id"], json={}).status_code == 400
    assert user.post(base + "999999", json={"answer": "1"}).status_code == 404
    # A code sent as a JSON number still counts.
    assert user.post(base + channel["challenge"]["id"], json={"answer": 123456}).status_code == 200


def test_challenge_expires(user, clock):
    connection = user.connect(login="question")
    clock.advance(600)
    channel = user.connection(connection["id"])["channels"][0]
    assert channel["status"] == "AUTH_FAILED"
    assert channel["challenge"]["status"] == "EXPIRED"
    assert user.events()[-1]["data"]["error"] == "challenge_expired"


def test_app_validation_is_approved_after_five_seconds(user, clock):
    connection = user.connect(login="app")
    cid = connection["id"]
    channel = connection["channels"][0]
    assert channel["challenge"]["type"] == "APP_VALIDATION"
    path = f"/connections/{cid}/channels/{channel['id']}/challenges/{channel['challenge']['id']}"
    assert user.post(path, json={"answer": "ok"}).status_code == 409
    clock.advance(4.9)
    assert user.connection(cid)["channels"][0]["challenge"]["status"] == "PENDING"
    assert user.accounts(cid) == []
    clock.advance(0.1)
    channel = user.connection(cid)["channels"][0]
    assert channel["challenge"]["status"] == "APPROVED"
    assert channel["status"] == "SUCCESS"
    assert len(user.accounts(cid)) == 4
    approved = [e for e in user.events() if e["name"] == "CHALLENGE_APPROVED"]
    assert len(approved) == 1


def test_app_validation_delay_is_configurable(app, user, clock):
    app.config["SANDBOX_APP_VALIDATION_DELAY"] = 1
    cid = user.connect(login="app")["id"]
    clock.advance(1)
    assert user.connection(cid)["channels"][0]["status"] == "SUCCESS"


def test_question_challenge(user):
    connection = user.connect(login="question")
    channel = connection["channels"][0]
    assert channel["challenge"]["type"] == "QUESTION"
    assert channel["challenge"]["label"]["fr"] == "Quelle est votre couleur préférée ?"
    path = (f"/connections/{connection['id']}/channels/{channel['id']}"
            f"/challenges/{channel['challenge']['id']}")
    assert user.post(path, json={"answer": "red"}).status_code == 403
    assert user.post(path, json={"answer": " Blue "}).status_code == 200


def test_challenge_asked_again_on_sync_after_the_sca_validity(user, clock):
    connection = user.connect(login="otp")
    cid, channel = connection["id"], connection["channels"][0]
    path = f"/connections/{cid}/channels/{channel['id']}/challenges/"
    user.post(path + channel["challenge"]["id"], json={"answer": "123456"})
    user.consent_all(cid)
    # Within the validity, the sync goes straight in.
    clock.advance(300)
    assert user.sync(cid)["channels"][0]["status"] == "RUNNING"
    clock.advance(3)
    assert user.connection(cid)["status"] == "SUCCESS"
    # Later, the bank asks again and the sync waits for the answer.
    clock.advance(301)
    waiting = user.sync(cid)
    assert waiting["status"] == "RUNNING"
    assert waiting["sync"]["step"] == 0
    again = waiting["channels"][0]
    assert again["status"] == "CHALLENGE_REQUIRED"
    assert again["challenge"]["id"] != channel["challenge"]["id"]
    clock.advance(100)
    assert user.connection(cid)["sync"]["step"] == 0
    assert user.post(path + again["challenge"]["id"], json={"answer": "123456"}).status_code == 200
    clock.advance(3)
    assert user.connection(cid)["status"] == "SUCCESS"


def test_app_validation_on_a_later_sync(user, clock):
    cid = user.connect(login="app")["id"]
    clock.advance(5)
    user.consent_all(cid)
    clock.advance(400)
    assert user.sync(cid)["channels"][0]["status"] == "CHALLENGE_REQUIRED"
    clock.advance(5 + 3)  # approval, then the whole sync
    done = user.connection(cid)
    assert done["status"] == "SUCCESS"
    assert done["channels"][0]["status"] == "SUCCESS"


def test_slow_sync_takes_ten_seconds(user, clock):
    cid = user.connect(login="slow")["id"]
    user.consent_all(cid)
    user.sync(cid)
    clock.advance(9.9)
    assert user.connection(cid)["status"] == "RUNNING"
    clock.advance(0.1)
    assert user.connection(cid)["status"] == "SUCCESS"


def test_failing_sync(user, clock):
    cid = user.connect(login="fail")["id"]
    user.consent_all(cid)
    user.sync(cid)
    clock.advance(3)
    connection = user.connection(cid)
    assert connection["status"] == "FAILED"
    assert connection["sync"]["error"] == "bank_error"
    assert connection["last_sync_date"] is None
    failed = user.events()[-1]
    assert (failed["name"], failed["data"]) == ("SYNC_FAILED", {"error": "bank_error"})
    account_id = user.accounts(cid)[0]["id"]
    assert user.get(f"/transactions?account_id={account_id}").json == []


def test_locked_channel_needs_an_action_at_the_bank(user):
    connection = user.connect(login="locked")
    assert connection["channels"][0]["status"] == "USER_ACTION_REQUIRED"
    assert user.accounts(connection["id"]) == []
    assert user.event_names(connection["id"])[-1] == "USER_ACTION_REQUIRED"
    blocked = user.post(f"/connections/{connection['id']}/synchronize")
    assert blocked.status_code == 409
    assert blocked.json["error"] == "conflict"


def test_pro_scenario_has_two_professional_accounts(user):
    cid = user.connect(login="pro")["id"]
    accounts = user.accounts(cid)
    assert [a["usage"] for a in accounts].count("PROFESSIONAL") == 2
    assert all(a["company_name"] is None and a["siren"] is None for a in accounts)


def test_expired_channel_and_renewal(user, clock):
    connection = user.connect(login="expired")
    cid, chid = connection["id"], connection["channels"][0]["id"]
    user.consent_all(cid)
    user.sync(cid)
    clock.advance(3)
    after = user.connection(cid)
    assert after["status"] == "SUCCESS"
    assert after["channels"][0]["status"] == "TOKEN_EXPIRED"
    assert user.event_names(cid)[-2:] == ["TOKEN_EXPIRED", "SYNC_SUCCESS"]
    blocked = user.post(f"/connections/{cid}/synchronize")
    assert blocked.status_code == 409
    wrong = user.put(f"/connections/{cid}/channels/{chid}/credentials",
                     json={"credentials": {"login": "demo", "password": "wrong"}})
    assert wrong.status_code == 403
    renewed = user.put(f"/connections/{cid}/channels/{chid}/credentials",
                       json={"credentials": {"login": "demo", "password": "new"}})
    assert renewed.status_code == 200
    assert renewed.json["channels"][0]["status"] == "SUCCESS"
    assert renewed.json["channels"][0]["login"] == "demo"
    assert len(user.accounts(cid)) == 4  # the same accounts, kept
    user.sync(cid)
    clock.advance(3)
    assert user.connection(cid)["channels"][0]["status"] == "SUCCESS"


def test_redirect_channel_renewal_with_a_new_code(user, clock):
    query = user.bank_code(login="expired")
    connection = user.post("/connections", json={
        "provider_id": "demo", "channel_definition_id": "demo-redirect",
        "authorization_code": query["code"],
        "redirect_uri": "http://localhost:5000/widget/callback"}).json
    cid, chid = connection["id"], connection["channels"][0]["id"]
    user.sync(cid)
    clock.advance(3)
    assert user.connection(cid)["channels"][0]["status"] == "TOKEN_EXPIRED"
    fresh = user.bank_code(login="demo")
    renewed = user.put(f"/connections/{cid}/channels/{chid}/credentials", json={
        "authorization_code": fresh["code"],
        "redirect_uri": "http://localhost:5000/widget/callback"})
    assert renewed.status_code == 200
    assert renewed.json["channels"][0]["status"] == "SUCCESS"
    assert user.post(f"/connections/{cid}/synchronize").status_code == 202


def test_many_accounts(user):
    cid = user.connect(login="many")["id"]
    accounts = user.accounts(cid)
    assert len(accounts) == 25
    assert len({a["name"] for a in accounts}) == 25
    assert len({a["id"] for a in accounts}) == 25
    page = user.get(f"/accounts?connection_id={cid}&limit=10&offset=20")
    assert page.headers["X-Total-Count"] == "25"
    assert [a["id"] for a in page.json] == [a["id"] for a in accounts[20:]]


def test_logins_are_case_insensitive(user):
    assert user.connect(login=" OTP ")["channels"][0]["status"] == "CHALLENGE_REQUIRED"
