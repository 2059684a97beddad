"""The sandbox's SQLite file under concurrent workers, resets, kills and corruption."""
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.sandbox.old_databases import old_database
from widget import create_app
from widget.sandbox import db

ROOT = Path(__file__).resolve().parents[2]
TOKEN_URL = "/sandbox/auth/token"
PROVIDERS_URL = "/sandbox/api/v2.1/providers"
DEMO_CLIENT = {"grant_type": "client_credentials", "client_id": "demo-client",
               "client_secret": "demo-secret"}
WORKERS = 6
WAIT_SECONDS = 120  # a bound on every wait below, never a measure

# One process of the service: the app, its sandbox, and client-token requests until told to stop.
WORKER = """
import json, os, sys, time
from widget import create_app
from widget.sandbox import db
instance = sys.argv[1]
app = create_app({"TESTING": True, "SANDBOX": True, "SECRET_KEY": "test",
                  "INSTANCE_PATH": instance})
client = app.test_client()
form = json.loads(sys.argv[2])
open(os.path.join(instance, "ready-%d" % os.getpid()), "w").close()
deadline = time.monotonic() + 120
while not os.path.exists(os.path.join(instance, "go")) and time.monotonic() < deadline:
    time.sleep(0.01)
answers = {}
while time.monotonic() < deadline:
    stop = os.path.exists(os.path.join(instance, "stop"))
    try:
        answer = str(client.post("/sandbox/auth/token", data=form).status_code)
    except Exception as exc:  # TESTING lets a view's exception through: count it
        answer = "%s: %s" % (type(exc).__name__, exc)
    answers[answer] = answers.get(answer, 0) + 1
    if stop:
        break
print(json.dumps(answers))
"""


def sandbox_app(instance, **config):
    return create_app({"TESTING": True, "SANDBOX": True, "SECRET_KEY": "test",
                       "INSTANCE_PATH": str(instance), **config})


def wait_for(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_workers_that_create_the_database_at_once_and_see_it_reset_never_fail(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(instance),
                                 json.dumps(DEMO_CLIENT)], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for _ in range(WORKERS)]
    try:
        wait_for(lambda: len(list(instance.glob("ready-*"))) == WORKERS, "workers did not start")
        # All at once on a fresh instance folder: every worker's first request races to create
        # the database, as gunicorn's workers do at a first deployment.
        (instance / "go").touch()
        database = instance / "sandbox.sqlite3"
        wait_for(database.exists, "no database was created")
        runner = sandbox_app(instance).test_cli_runner()
        for _ in range(3):
            reset = runner.invoke(args=["sandbox", "init-db", "--reset"])
            assert reset.exit_code == 0, reset.output
        (instance / "stop").touch()
        answers = {}
        for worker in workers:
            output, errors = worker.communicate(timeout=WAIT_SECONDS)
            assert worker.returncode == 0, errors
            for answer, count in json.loads(output).items():
                answers[answer] = answers.get(answer, 0) + count
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
    assert set(answers) == {"200"}, answers
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT COUNT(*) FROM providers").fetchone()[0] >= 304
        assert connection.execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 1
    finally:
        connection.close()


def zero_the_header(path):
    """What the reported crashes left: the first 112 bytes of the file zeroed."""
    with open(path, "r+b") as fh:
        fh.write(bytes(112))


def test_a_database_that_is_not_a_database_answers_503_and_says_how_to_reset_it(tmp_path,
                                                                                caplog):
    app = sandbox_app(tmp_path)
    client = app.test_client()
    assert client.post(TOKEN_URL, data=DEMO_CLIENT).status_code == 200
    zero_the_header(app.config["SANDBOX_DATABASE"])
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            token = client.post(TOKEN_URL, data=DEMO_CLIENT)
            api = client.get(PROVIDERS_URL, headers={"Authorization": "Bearer x"})
            for answer in (token, api):
                assert answer.status_code == 503
                assert answer.json["error"] == "sandbox_unavailable"
    logged = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(logged) == 1  # said once, clearly: not a traceback per request
    assert "flask --app app sandbox init-db --reset" in logged[0].getMessage()
    assert logged[0].exc_info is None
    reset = app.test_cli_runner().invoke(args=["sandbox", "init-db", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert client.post(TOKEN_URL, data=DEMO_CLIENT).status_code == 200


def test_a_process_that_first_meets_a_corrupt_file_answers_503(tmp_path):
    app = sandbox_app(tmp_path)
    with open(app.config["SANDBOX_DATABASE"], "wb") as fh:
        fh.write(bytes(112) + b"not a database" * 300)
    answer = app.test_client().post(TOKEN_URL, data=DEMO_CLIENT)
    assert answer.status_code == 503
    assert answer.json["error"] == "sandbox_unavailable"
    # Never replaced behind the operator's back: it may be someone's data to look at.
    with open(app.config["SANDBOX_DATABASE"], "rb") as fh:
        assert fh.read(112) == bytes(112)


# A creation killed halfway: the build is made to wait once seeded, before it is committed.
KILLED_BUILD = """
import sys, time
from widget.sandbox import db, upgrades
real_seed = upgrades.seed
def slow_seed(connection):
    real_seed(connection)
    print("seeded", flush=True)
    time.sleep(120)
upgrades.seed = slow_seed
db.ensure_database(sys.argv[1])
"""


def test_a_creation_killed_halfway_leaves_no_database_and_the_next_one_builds_it(tmp_path):
    path = tmp_path / "sandbox.sqlite3"
    builder = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(path)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert builder.stdout.readline() == "seeded\n"
        # Meanwhile, nobody sees a database at the path: not even an empty one.
        assert not path.exists()
    finally:
        builder.send_signal(signal.SIGKILL)
        builder.communicate()
    app = sandbox_app(tmp_path, SANDBOX_DATABASE=str(path))
    assert app.test_client().post(TOKEN_URL, data=DEMO_CLIENT).status_code == 200
    assert [name for name in os.listdir(tmp_path) if "building" in name] == []


def test_an_empty_file_is_built(tmp_path):
    """An empty file (older versions made the file before seeding it) is built in its place."""
    (tmp_path / "sandbox.sqlite3").write_bytes(b"")
    app = sandbox_app(tmp_path)
    assert app.test_client().post(TOKEN_URL, data=DEMO_CLIENT).status_code == 200


SEEN_BY_ANOTHER_PROCESS = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
row = connection.execute("SELECT COUNT(*) FROM users WHERE email = ?", (sys.argv[2],)).fetchone()
print(row[0])
"""


def test_a_reset_leaves_the_files_another_process_is_using_where_they_are(tmp_path):
    app = sandbox_app(tmp_path)
    path = app.config["SANDBOX_DATABASE"]
    assert app.test_client().post(TOKEN_URL, data=DEMO_CLIENT).status_code == 200
    # A request in flight in one worker while the operator resets the database...
    in_flight = db.connect(path)
    in_flight.execute("BEGIN")
    in_flight.execute("SELECT COUNT(*) FROM clients").fetchone()
    reset = app.test_cli_runner().invoke(args=["sandbox", "init-db", "--reset"])
    assert reset.exit_code == 0, reset.output
    # ...another worker commits a user once the reset is done, and is still open...
    writer = db.connect(path)
    writer.execute("INSERT INTO users (email, password_hash, creation_date) VALUES (?, 'x', 0)",
                   ("after-reset@example.com",))
    # ...the request in flight ends: its files must not take the others' with them.
    in_flight.execute("COMMIT")
    in_flight.close()
    seen = subprocess.run([sys.executable, "-c", SEEN_BY_ANOTHER_PROCESS, path,
                           "after-reset@example.com"], capture_output=True, text=True,
                          timeout=WAIT_SECONDS, check=True).stdout
    writer.close()
    assert seen.strip() == "1"
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()


def test_a_database_of_an_older_schema_is_brought_up_to_date(tmp_path):
    """A deployment keeps its sandbox data across an upgrade that adds tables and columns."""
    path = str(tmp_path / "old.sqlite3")
    old_database(path, 1)
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("INSERT INTO users (email, password_hash, creation_date) VALUES (?, 'x', 0)",
                ("kept@example.com",))
    old.close()
    db.ensure_database(path)
    upgraded = sqlite3.connect(path)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    tables = {row[0] for row in upgraded.execute("SELECT name FROM sqlite_master")}
    assert {"idempotency_keys", "refresh_rotations", "provider_trigrams"} <= tables
    assert upgraded.execute("SELECT email FROM users").fetchall() == [("kept@example.com",)]
    assert upgraded.execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 1
    upgraded.close()
