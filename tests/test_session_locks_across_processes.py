"""Two Procfile processes sharing Redis, a slow upstream, and one session's credential form sent
20 times at once: one connection, and every duplicate answered at once with "in progress".

The upstream call (2.5 s) outlasts the lock's time to live (2 s): only a lock renewed while
its holder works keeps a second request out. `make bench-locks` runs 100 such bursts.
"""
import threading
import time

import pytest
import redis
import requests

from tests.credential_bursts import (at_the_credential_form, connections_of, credential_burst,
                                     server_settings)
from tests.procfile_server import ProcfileServer, fresh_copy
from tests.waiting_screen import new_user, screen_of
from widget.store_keys import stored_name

BURSTS = 5


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    tree = fresh_copy(str(tmp_path_factory.mktemp("clone")))
    settings = server_settings("redis://127.0.0.1:6379/15")
    # The first creates the instance folder (secret key, sandbox database); the second shares it.
    with ProcfileServer(tree, **settings) as one, ProcfileServer(tree, **settings) as two:
        yield one, two


@pytest.mark.redis
def test_bursts_of_twenty_across_two_processes_make_one_connection_each(two_processes):
    bases = [server.url for server in two_processes]
    for _ in range(BURSTS):
        connections, answers = credential_burst(bases, size=20)
        assert connections == 1, answers
        assert set(answers) <= {(200, "accounts"), (409, "in_progress")}, answers
        assert (200, "accounts") in answers
        assert (409, "in_progress") in answers  # duplicates were answered, not kept waiting
    for server in two_processes:
        assert "Traceback" not in server.log()


@pytest.mark.redis
def test_a_duplicate_is_told_at_once_and_its_screen_goes_on_to_the_first_one_s(two_processes):
    one, two = (server.url for server in two_processes)
    with requests.Session() as http:
        tokens = new_user(one, http)
        session_id, form = at_the_credential_form(one, http, tokens)
    lock = redis.Redis(host="127.0.0.1", port=6379, db=15)
    fields = {**form, "login": "demo", "password": "pw"}
    first = threading.Thread(target=requests.post, args=(one + "/widget/add_connection/credentials",),
                             kwargs={"data": fields, "timeout": 60})
    first.start()
    while not lock.exists("widget-lock:" + stored_name(session_id)):  # the first holds it, at the slow bank
        time.sleep(0.01)
    again = requests.post(two + "/widget/add_connection/credentials", data=fields, timeout=60)
    first.join()
    assert again.status_code == 409 and screen_of(again) == "in_progress"
    assert '<meta http-equiv="refresh" content="1;url=/widget/resume?session_id=' in again.text
    resumed = requests.get(two + "/widget/resume", params={"session_id": session_id}, timeout=60)
    assert resumed.status_code == 200 and screen_of(resumed) == "accounts"
    with requests.Session() as http:
        assert connections_of(one, http, tokens) == 1
