"""The Procfile's command with the embedded sandbox: waiting users never stall the server.

Before the in-process transport, each widget request waited on a sandbox call needing a
thread of the same gunicorn pool: as many waiting users as threads hung the server.
"""
import threading

import pytest
import requests

from tests.procfile_server import ProcfileServer, fresh_copy
from tests.waiting_screen import CLIENT, new_user, poll_headers, waiting_user

THREADS = 4  # one worker (WEB_CONCURRENCY=1) of WEB_THREADS threads
USERS = 3 * THREADS
ROUNDS = 3  # polls per user, at htmx's pace: each of the later ones reads the sandbox


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tree = fresh_copy(str(tmp_path_factory.mktemp("clone")))
    with ProcfileServer(tree, WEB_CONCURRENCY="1", WEB_THREADS=str(THREADS),
                        SANDBOX_SLOW_SYNC_SECONDS="3600",  # the sync outlasts the test
                        SANDBOX_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
                        # 1,000 sessions from one address: room above the per-IP limits.
                        LIMIT_SESSIONS_PER_CLIENT="5000 per minute",
                        LIMIT_SESSIONS_PER_IP="5000 per minute") as served:
        yield served


def test_more_waiting_users_than_threads_and_the_server_still_answers(server):
    with requests.Session() as http:
        tokens = new_user(server.url, http)  # one sandbox user, a connection per widget session
    users = [waiting_user(server.url, tokens) for _ in range(USERS)]
    start = threading.Barrier(USERS + 1)
    answers, page_answers = [], []

    def wait_on_the_screen(session_id, link):
        with requests.Session() as http:  # its own keep-alive connection
            start.wait()
            for round_number in range(ROUNDS):
                if round_number:
                    threading.Event().wait(1.2)  # hx-trigger="every 1200ms"
                try:
                    response = http.get(server.url + "/widget/add_connection/wait", timeout=30,
                                        params={"session_id": session_id},
                                        headers=poll_headers(link))
                except requests.RequestException as exc:
                    answers.append((type(exc).__name__, False))
                else:
                    answers.append((response.status_code, 'id="sync-detail"' in response.text))

    pollers = [threading.Thread(target=wait_on_the_screen, args=user) for user in users]
    for poller in pollers:
        poller.start()
    start.wait()
    for _ in range(ROUNDS):
        # A plain page, while every thread could be taken by a waiting user's poll.
        page_answers.append(requests.get(server.url + "/?lng=en", timeout=10).status_code)
    for poller in pollers:
        poller.join()
    assert page_answers == [200] * ROUNDS
    # Each poll is answered: the progress, or 204 when the sync has no news (htmx keeps it).
    assert len(answers) == USERS * ROUNDS
    assert set(answers) <= {(200, True), (204, False)}, set(answers)
    assert "upstream failure" not in server.log()


def test_a_thousand_sessions_in_a_row_without_a_failure(server):
    """Once 1 in 580 answered 503 with nothing in the log; the self-call through the socket
    is gone, and any failure left would name its cause in the log."""
    with requests.Session() as http:
        tokens = new_user(server.url, http)
        statuses = [http.post(server.url + "/widget_session", auth=CLIENT, timeout=30, data={
            "access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
        }).status_code for _ in range(1000)]
    assert statuses == [201] * 1000
    assert "upstream failure" not in server.log()
