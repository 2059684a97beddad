"""Bursts of one widget session's credential form, sent many times at once to several processes
(a double click, an impatient user, a retrying proxy) while the upstream is slow.

Shared by tests/test_session_locks_across_processes.py and benchmarks/lock_bursts.py. The
servers are Procfile commands sharing one Redis and one instance folder (the sandbox database),
as two dynos share their add-ons.
"""
import threading

import requests

from tests.waiting_screen import CSRF, create_widget_session, new_user, screen_of

# Every connection call of the sandbox answers after SANDBOX_FAULT_TIMEOUT_SECONDS.
SLOW_CONNECTIONS = '{"/sandbox/api/v2.1/connections": "slow"}'


def server_settings(redis_url, lock_seconds="2", slow_seconds="2.5"):
    """Settings of each process: a lock's time to live shorter than the slow upstream call,
    so only renewing it keeps it."""
    return dict(REDIS_URL=redis_url, SANDBOX_FAULT_INJECTION="1", SANDBOX_FAULTS=SLOW_CONNECTIONS,
                SANDBOX_FAULT_TIMEOUT_SECONDS=slow_seconds, SESSION_LOCK_SECONDS=lock_seconds,
                SESSION_LOCK_WAIT_SECONDS="0.2", SANDBOX_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
                WEB_CONCURRENCY="1", WEB_THREADS="16",
                LIMIT_WIDGET_POSTS_PER_SESSION="1000 per minute")


def at_the_credential_form(base, http, tokens):
    """A widget session on the credential form of Banque en Ligne: (session id, form fields)."""
    session = create_widget_session(base, http, tokens)
    page = http.get(session["_links"]["add_connection"], timeout=30)
    form = {"session_id": session["session_id"], "csrf_token": CSRF.search(page.text).group(1)}
    chosen = http.post(base + "/widget/add_connection/provider", timeout=30,
                       data={**form, "provider_id": "web"})
    assert screen_of(chosen) == "credentials", (chosen.status_code, chosen.text[:300])
    return session["session_id"], form


def connections_of(base, http, tokens):
    answer = http.get(base + "/sandbox/api/v2.1/connections", timeout=30,
                      headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert answer.status_code == 200, answer.text[:300]
    return int(answer.headers["X-Total-Count"])


def credential_burst(bases, size=20):
    """One new user's session, its credential form sent `size` times at once, spread over
    `bases`. Returns (connections the user has, [(status, screen)] of the answers)."""
    with requests.Session() as http:
        tokens = new_user(bases[0], http)
        session_id, form = at_the_credential_form(bases[0], http, tokens)
    start = threading.Barrier(size)
    answers = []

    def submit(base):
        with requests.Session() as own:  # a connection of its own, as separate clicks or tabs
            start.wait()
            try:
                answer = own.post(base + "/widget/add_connection/credentials", timeout=60,
                                  data={**form, "login": "burst", "password": "pw"})
            except requests.RequestException as exc:
                answers.append((type(exc).__name__, None))
            else:
                answers.append((answer.status_code, screen_of(answer)))

    threads = [threading.Thread(target=submit, args=(bases[i % len(bases)],))
               for i in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with requests.Session() as http:
        return connections_of(bases[0], http, tokens), answers
