"""The sandbox's SQLite file: what it never holds, and how it comes to exist."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.sandbox.sandbox_client import query_of
from widget.sandbox import db, engine

ROOT = Path(__file__).resolve().parents[2]


def every_text_in(path):
    """Every value of every row of every table, as one string."""
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(
            str(value)
            for table in tables
            for row in connection.execute(f'SELECT * FROM "{table}"')
            for value in row
        )
    finally:
        connection.close()


def test_no_bank_password_answer_or_token_is_stored(app, user, clock):
    connection = user.connect(login="otp", password="Embedded-Pw-7f3a9c")
    channel = connection["channels"][0]
    user.post(f"/connections/{connection['id']}/channels/{channel['id']}/challenges/"
              f"{channel['challenge']['id']}", json={"answer": "123456"})
    user.put(f"/connections/{connection['id']}/channels/{channel['id']}/credentials",
             json={"credentials": {"login": "demo", "password": "Renewal-Pw-51e2d0"}})
    user.post("/connections", json={"provider_id": "web", "channel_definition_id": "web-embedded",
                                    "credentials": {"login": "x", "password": "wrong"}})
    url = user.post("/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
                    json={"redirect_uri": "http://localhost/cb", "state": "s"}).json
    request_id = query_of(url["authorize_url"])["request"]
    user.http.post("/sandbox/bank/authorize",
                   data={"request": request_id, "login": "demo", "password": "Portal-Pw-9b4c17"})
    back = user.http.post("/sandbox/bank/consent", data={"request": request_id,
                                                         "decision": "approve"})
    code = query_of(back.headers["Location"])["code"]
    tokens = user.sign_in()
    stored = every_text_in(app.config["SANDBOX_DATABASE"])
    for secret in ("Embedded-Pw-7f3a9c", "Renewal-Pw-51e2d0", "Portal-Pw-9b4c17", "123456",
                   "s3cret-pass", "demo-secret", code, tokens["access_token"],
                   tokens["refresh_token"]):
        assert secret not in stored, secret
    assert "wrong" not in stored.replace("wrong_credentials", "")
    assert "demo" in stored  # the login is kept, for display


def test_a_failing_request_leaves_nothing_half_written(user, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug after the connection row was written")

    monkeypatch.setattr(engine, "add_channel", broken)
    body = {"provider_id": "web", "channel_definition_id": "web-embedded",
            "credentials": {"login": "demo", "password": "pw"}}
    try:
        status = user.post("/connections", json=body).status_code
    except RuntimeError:
        status = 500  # without the widget's error handlers, a test app lets it through
    assert status == 500
    monkeypatch.undo()
    assert user.get("/connections").json == []
    assert user.events() == []


def test_database_is_created_on_first_use(app, user):
    path = app.config["SANDBOX_DATABASE"]
    assert path == os.path.join(app.instance_path, "sandbox.sqlite3")
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    finally:
        connection.close()


def test_init_db_command(app, tmp_path):
    app.config["SANDBOX_DATABASE"] = str(tmp_path / "cli" / "sandbox.sqlite3")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sandbox", "init-db"])
    assert result.exit_code == 0, result.output
    assert "Sandbox database ready" in result.output
    assert "demo" in every_text_in(app.config["SANDBOX_DATABASE"])
    again = runner.invoke(args=["sandbox", "init-db", "--reset"])
    assert again.exit_code == 0, again.output


def test_concurrent_processes_create_one_database(tmp_path):
    path = tmp_path / "shared.sqlite3"
    script = (
        "import sys; from widget.sandbox.db import ensure_database;"
        " ensure_database(sys.argv[1])"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT,
                         stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors.decode()
    connection = sqlite3.connect(path)
    try:
        providers = connection.execute("SELECT COUNT(*) FROM providers").fetchone()[0]
        clients = connection.execute("SELECT COUNT(*) FROM clients").fetchone()[0]
    finally:
        connection.close()
    assert providers >= 304
    assert clients == 1
