"""DESIGN.md section 9: a password, an answer or a token is never kept, logged or shown."""
import logging
import os
import sqlite3
import uuid

from tests.widget_driver import RETURN, Widget, create_session, returned


def every_file_under(folder):
    for root, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as fh:
                yield os.path.join(root, name), fh.read()


def test_a_finished_flow_leaves_no_password_anywhere(client, app, user, clock, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    bank_password = "pw-" + uuid.uuid4().hex
    answer = "blue"
    session_id = create_session(client, user, redirect_url=RETURN, provider_id="web").get_json()["session_id"]
    w = Widget(client, session_id)
    w.get("/widget/add_connection")
    pages = [w.post("/widget/add_connection/credentials", login="question", password=bank_password)]
    pages.append(w.post("/widget/add_connection/challenge", answer=answer))
    pages.append(w.post("/widget/add_connection/consent"))
    clock.advance(60)
    final = w.get("/widget/add_connection/wait")
    assert returned(final)["result"] == "success"

    for page in pages:
        assert bank_password.encode() not in page.data
        assert user["access_token"].encode() not in page.data and user["refresh_token"].encode() not in page.data
    assert bank_password not in final.headers["Location"]
    # The session store: the bank password and the challenge answer are nowhere.
    for path, content in every_file_under(os.path.join(app.instance_path, "sessions")):
        assert bank_password.encode() not in content, path
    # The logs, both through logging and on the process's own streams.
    out, err = capfd.readouterr()
    for text in (caplog.text, out, err):
        assert bank_password not in text
        assert user["access_token"] not in text and user["refresh_token"] not in text
        assert "demo-secret" not in text
    # The events the Client reads hold ids only.
    events = client.get(f"/widget_session/{session_id}/events", auth=("demo-client", "demo-secret")).get_json()
    assert bank_password not in str(events) and user["access_token"] not in str(events)
    # The sandbox's database keeps user passwords hashed and bank credentials not at all.
    db = sqlite3.connect(app.config["SANDBOX_DATABASE"])
    try:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in db.execute(f'SELECT * FROM "{table}"'):
                flat = " ".join(str(value) for value in row)
                assert bank_password not in flat, table
                assert user["password"] not in flat, table
    finally:
        db.close()
