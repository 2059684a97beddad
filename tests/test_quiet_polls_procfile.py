"""Quiet polls over the Procfile's command, two workers: each keeps its own memory of a
session's last 204 (widget/views/poll_hints.py), and neither gives it once the session ended."""
import pytest
import requests

from tests.procfile_server import ProcfileServer, fresh_copy
from tests.waiting_screen import CLIENT, poll_headers, waiting_user

POLLS = 24  # on a new connection each: gunicorn's two workers take them in turn, or as they come
PAGE_HEADERS = ("Content-Security-Policy", "Cache-Control", "X-Content-Type-Options",
                "Referrer-Policy", "X-Frame-Options")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tree = fresh_copy(str(tmp_path_factory.mktemp("clone")))
    with ProcfileServer(tree, WEB_CONCURRENCY="2", SANDBOX_SLOW_SYNC_SECONDS="3600",
                        SANDBOX_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000") as served:
        yield served


def polls(server, session_id, link):
    answers = []
    for _ in range(POLLS):
        with requests.Session() as http:  # a new connection: either worker may answer it
            answers.append(http.get(server.url + "/widget/add_connection/wait",
                                    params={"session_id": session_id},
                                    headers=poll_headers(link), timeout=30))
    return answers


def test_quiet_polls_answer_alike_and_stop_once_the_session_ended(server):
    session_id, link = waiting_user(server.url)
    answers = polls(server, session_id, link)
    quiet = [answer for answer in answers if answer.status_code == 204]
    assert {answer.status_code for answer in answers} <= {200, 204} and len(quiet) > POLLS // 2
    # Given again from memory or made afresh, by either worker: the same headers, section 9's.
    assert len({tuple(answer.headers.get(name) for name in PAGE_HEADERS)
                for answer in quiet}) == 1
    assert "frame-ancestors" in quiet[0].headers["Content-Security-Policy"]
    assert quiet[0].headers["Cache-Control"] == "no-store"

    ended = requests.delete(server.url + "/widget_session/" + session_id, auth=CLIENT, timeout=30)
    assert ended.status_code in (200, 204)
    assert all(answer.status_code != 204 for answer in polls(server, session_id, link))
    assert "Traceback" not in server.log()
