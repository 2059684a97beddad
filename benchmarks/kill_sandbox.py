"""Kill -9 a loaded server again and again: the sandbox's database must survive every time.

    make kill-sandbox     # or: .venv/bin/python benchmarks/kill_sandbox.py --runs 20 --seed 1

Each run starts the Procfile's command on a fresh instance folder (as a PaaS starts it), loads
the embedded sandbox with concurrent calls over loopback (users, tokens, terms, connections),
and SIGKILLs the master and all its workers at once at a random moment (seeded: the same seed
kills at the same moments). Then `PRAGMA integrity_check` must answer ok and the command,
started again on the same folder, must serve the sandbox. Prints "<n> corrupt in <runs>".
"""
import argparse
import itertools
import os
import random
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.procfile_server import ProcfileServer  # noqa: E402

TOKEN_URL = "/sandbox/auth/token"
API = "/sandbox/api/v2.1"
DEMO_CLIENT = ("demo-client", "demo-secret")
TIMEOUT = (2, 15)  # a server killed mid-answer must not hold a loader for long
ENV = {
    "SANDBOX": "1",
    # More processes than the default, so more of them race to create the database.
    "WEB_CONCURRENCY": "4",
    "WEB_THREADS": "4",
    # A cheap hash: more writes per second, so more kills land inside a write.
    "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
}


class KillableServer(ProcfileServer):
    """The Procfile's command (in its own process group), killed as an OOM killer would."""

    def kill(self):
        """SIGKILL the master and its workers at the same instant (as an OOM killer would)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.output.close()


def sandbox_calls(url, emails, stop, answered):
    """Create users, accept terms, take tokens and make connections until `stop` or an error."""
    http = requests.Session()
    try:
        client = http.post(url + TOKEN_URL, data={"grant_type": "client_credentials"},
                           auth=DEMO_CLIENT, timeout=TIMEOUT)
        client.raise_for_status()
        answered.append(1)
        client_auth = {"Authorization": "Bearer " + client.json()["access_token"]}
        while not stop.is_set():
            email = next(emails)
            created = http.post(url + API + "/users", json={"email": email, "password": "pw"},
                                headers=client_auth, timeout=TIMEOUT)
            created.raise_for_status()
            token = http.post(url + TOKEN_URL, data={"grant_type": "password",
                                                     "username": email, "password": "pw"},
                              auth=DEMO_CLIENT, timeout=TIMEOUT)
            token.raise_for_status()
            user_auth = {"Authorization": "Bearer " + token.json()["access_token"]}
            version = http.get(url + API + "/terms", headers=user_auth, timeout=TIMEOUT)
            http.post(url + API + "/users/me/terms", json={"version": version.json()["version"]},
                      headers=user_auth, timeout=TIMEOUT).raise_for_status()
            http.post(url + API + "/connections", headers=user_auth, timeout=TIMEOUT,
                      json={"provider_id": "web", "channel_definition_id": "web-embedded",
                            "credentials": {"login": "demo", "password": "pw"}}
                      ).raise_for_status()
            http.get(url + API + "/connections", headers=user_auth,
                     timeout=TIMEOUT).raise_for_status()
            answered.extend((1, 1, 1, 1, 1, 1))
    except (requests.RequestException, ValueError, KeyError):
        pass  # the server was killed under this call: that is the point
    finally:
        http.close()


def database_state(path):
    """"ok", "absent" (killed before any sandbox call), or what is wrong with the file."""
    if not os.path.exists(path):
        return "absent"
    try:
        # Read-write: opening after a crash recovers the write-ahead log, as the app will.
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=5)
        try:
            checks = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return f"cannot be opened: {exc}"
    if checks != ["ok"]:
        return "integrity_check: " + "; ".join(checks[:3])
    return "ok" if tables else "ok (empty)"


def serves_again(instance):
    """Whether the command, started again on this instance folder, answers sandbox calls."""
    server = KillableServer(INSTANCE_PATH=instance, **ENV)
    try:
        server.start()
    except AssertionError as exc:
        return f"does not start: {str(exc)[-300:]}"
    try:
        token = requests.post(server.url + TOKEN_URL, data={"grant_type": "client_credentials"},
                              auth=DEMO_CLIENT, timeout=TIMEOUT)
        if token.status_code != 200:
            return f"answers {token.status_code} {token.text[:200]}"
        created = requests.post(server.url + API + "/users", timeout=TIMEOUT,
                                json={"email": "after-restart@example.com", "password": "pw"},
                                headers={"Authorization": "Bearer " + token.json()["access_token"]})
        if created.status_code != 201:
            return f"answers {created.status_code} {created.text[:200]}"
        return "serves"
    except requests.RequestException as exc:
        return f"does not answer: {exc}"
    finally:
        server.stop()


def kill_once(instance, delay, loaders):
    """Start, load, SIGKILL after `delay` seconds of listening; check the database and a restart."""
    server = KillableServer(INSTANCE_PATH=instance, **ENV)
    server.start()
    stop, answered = threading.Event(), []
    emails = (f"user-{n}@example.com" for n in itertools.count())
    threads = [threading.Thread(target=sandbox_calls, args=(server.url, emails, stop, answered))
               for _ in range(loaders)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(delay)
    finally:
        server.kill()  # also when this script is interrupted: no server outlives it
        stop.set()
        for thread in threads:
            thread.join()
    state = database_state(os.path.join(instance, "sandbox.sqlite3"))
    restart = serves_again(instance)
    return {"delay": delay, "answered": len(answered), "database": state, "restart": restart,
            "corrupt": not state.startswith(("ok", "absent")) or restart != "serves"}


def kill_runs(runs, seed, max_delay=3.0, loaders=8, report=print):
    """`runs` kills at seeded random moments, each on a fresh instance folder; their results."""
    moments = random.Random(seed)
    results = []
    for run in range(1, runs + 1):
        with tempfile.TemporaryDirectory(prefix="kill-sandbox-") as instance:
            result = kill_once(instance, moments.uniform(0, max_delay), loaders)
        results.append(result)
        report("run %2d: killed %.2f s after listening, %4d calls answered, database %s, "
               "restart %s" % (run, result["delay"], result["answered"], result["database"],
                               result["restart"]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=3.0,
                        help="kill at most this many seconds after the server listens")
    parser.add_argument("--loaders", type=int, default=8, help="concurrent clients")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the `finally`s, then stop
    results = kill_runs(args.runs, args.seed, args.max_delay, args.loaders)
    corrupt = sum(result["corrupt"] for result in results)
    print(f"{corrupt} corrupt in {len(results)}")
    return 1 if corrupt else 0


if __name__ == "__main__":
    sys.exit(main())
