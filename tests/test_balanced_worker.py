"""The Procfile's gunicorn worker leaves a new connection a moment to a worker with a thread free
(widget/balanced_worker.py): the rule, step by step, then bursts of connections as the Procfile
serves them."""
import concurrent.futures
import contextlib
import logging
import os
import re
import selectors
import socket
import subprocess
import time

import pytest
from gunicorn.config import Config

import widget.balanced_worker
from tests.procfile_server import ProcfileServer
from widget.balanced_worker import YIELD_SECONDS, BalancedThreadWorker

THREADS = 2


class NeverRuns(concurrent.futures.Executor):
    """A thread pool whose requests stay in hand until the test finishes them."""

    def submit(self, fn, /, *args, **kwargs):
        return concurrent.futures.Future()


class RecordingSelector(selectors.DefaultSelector):
    def __init__(self):
        super().__init__()
        self.timeouts = []

    def select(self, timeout=None):
        self.timeouts.append(timeout)
        return super().select(timeout)


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(widget.balanced_worker, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def workers():
    """How many workers the Procfile's gunicorn runs (the rule needs another to leave it to)."""
    return 2


@pytest.fixture
def worker(clock, workers):
    listener = socket.create_server(("127.0.0.1", 0))
    cfg = Config()
    cfg.set("threads", THREADS)
    cfg.set("workers", workers)
    made = BalancedThreadWorker(1, os.getpid(), [listener], None, 30, cfg, logging.getLogger())
    made.tpool, made.poller = NeverRuns(), RecordingSelector()
    made.method_queue.init()
    made.set_accept_enabled(True)
    clients = []

    def connect():
        clients.append(socket.create_connection(listener.getsockname()))

    made.connect = connect
    yield made
    for conn in made.__dict__.get("accepted", []):
        conn.sock.close()
    for client in clients:
        client.close()
    made.poller.close()
    made.method_queue.close()
    made.tmp.close()
    listener.close()


def turn(worker, timeout=0.5):
    """One turn of gthread's loop, as run() makes it."""
    can_accept = worker.nr_conns < worker.worker_connections
    if can_accept != worker._accepting:
        worker.set_accept_enabled(can_accept)
    worker.wait_for_and_dispatch_events(timeout)


def in_hand(worker):
    """The connections accepted whose request is not answered yet."""
    kept = set(map(id, worker.keepalived_conns))
    return [conn for conn in worker.__dict__.get("accepted", []) if id(conn) not in kept]


def answer_one(worker):
    """A thread answers a request and keeps its connection alive (gthread's finish_request)."""
    done = concurrent.futures.Future()
    done.set_result(True)
    conn = in_hand(worker)[0]
    conn.init()  # as the thread did, to read the request
    worker.finish_request(conn, done)
    assert conn in worker.keepalived_conns


def all_threads_taken(worker):
    for _ in range(THREADS):
        worker.connect()
        turn(worker)
    assert worker.nr_conns == worker.busy() == THREADS


@pytest.fixture(autouse=True)
def remember_accepted(monkeypatch):
    """Keep the connections each worker made (gthread keeps only the idle ones)."""
    made = BalancedThreadWorker.enqueue_req

    def enqueue(self, conn):
        if conn not in self.__dict__.setdefault("accepted", []):
            self.accepted.append(conn)
        made(self, conn)

    monkeypatch.setattr(BalancedThreadWorker, "enqueue_req", enqueue)


def test_a_worker_with_a_free_thread_takes_a_new_connection_at_once(worker):
    worker.connect()
    turn(worker)
    assert worker.nr_conns == 1 and worker.busy() == 1
    assert worker._accepting


def test_a_worker_whose_threads_are_all_taken_leaves_a_new_connection_to_the_others(worker, clock):
    all_threads_taken(worker)
    assert worker._accepting  # nothing to leave yet
    worker.connect()
    turn(worker)
    assert worker.nr_conns == THREADS and not worker._accepting
    clock[0] += YIELD_SECONDS / 2
    turn(worker, timeout=0)
    assert worker.nr_conns == THREADS and not worker._accepting


def test_after_its_yield_a_busy_worker_takes_a_thread_pool_s_worth_of_those_waiting(worker,
                                                                                   clock):
    """Nobody took them: they get in as gthread would have let them, queued behind the
    requests in hand, as many as the worker has threads; those left wait for another yield."""
    all_threads_taken(worker)
    for _ in range(THREADS + 1):
        worker.connect()
    turn(worker)
    assert worker.nr_conns == THREADS
    clock[0] += YIELD_SECONDS
    turn(worker, timeout=0)
    assert worker.nr_conns == 2 * THREADS
    turn(worker, timeout=0.5)  # the one left: a yield again
    assert worker.nr_conns == 2 * THREADS and not worker._accepting
    clock[0] += YIELD_SECONDS
    turn(worker, timeout=0)
    assert worker.nr_conns == 2 * THREADS + 1
    turn(worker, timeout=0.5)
    assert worker._accepting  # none waits: listening, for the next to come


def test_a_thread_freed_during_the_yield_takes_the_connection_at_once(worker, clock):
    all_threads_taken(worker)
    worker.connect()
    turn(worker)
    answer_one(worker)
    assert worker.busy() == THREADS - 1
    turn(worker)  # the clock has not moved: the yield has not run out
    assert worker.nr_conns == THREADS + 1


def test_threads_taken_by_kept_alive_connections_count_as_taken(worker, clock):
    """A router's kept-alive connections fill a worker without a new connection accepted."""
    all_threads_taken(worker)
    answer_one(worker)
    assert worker.busy() == THREADS - 1
    kept = worker.keepalived_conns[0]
    worker.on_client_socket_readable(kept, kept.sock)  # its next request: threads all taken
    assert worker.busy() == THREADS and worker._accepting
    worker.connect()
    turn(worker, timeout=0.5)
    assert worker.nr_conns == THREADS and not worker._accepting


@pytest.mark.parametrize("workers", [1])
def test_a_single_worker_has_nobody_to_leave_a_connection_to(worker):
    all_threads_taken(worker)
    worker.connect()
    turn(worker)
    assert worker.nr_conns == THREADS + 1 and worker._accepting


def test_a_yielding_worker_sleeps_no_longer_than_its_yield(worker, clock):
    all_threads_taken(worker)
    worker.connect()
    turn(worker)
    worker.poller.timeouts.clear()
    turn(worker, timeout=1.0)
    assert worker.poller.timeouts == [pytest.approx(YIELD_SECONDS)]
    clock[0] += YIELD_SECONDS
    worker.poller.timeouts.clear()
    turn(worker, timeout=1.0)  # the waiting one taken: listening, the loop's own timeout
    assert worker.poller.timeouts == [1.0] and worker.nr_conns == THREADS + 1


def test_gunicorn_stops_listening_at_its_connection_cap_as_before(worker):
    worker.worker_connections = 1
    worker.connect()
    turn(worker)
    answer_one(worker)  # kept alive: a free thread, but no room for another connection
    worker.connect()
    turn(worker, timeout=0)
    assert worker.nr_conns == 1 and not worker._accepting


def tcp_inodes(port, state):
    """Inodes of the sockets on local `port` in `state` ("01" established, "0A" listening)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                fields = line.split()  # local address, remote one, state, ..., inode
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    inodes.add(fields[9])
    return inodes


def open_files(pid):
    """{fd: what it is} of a process, as /proc links it (socket:[inode], anon_inode:...)."""
    files = {}
    for fd in os.listdir("/proc/%s/fd" % pid):
        with contextlib.suppress(OSError):  # closed meanwhile
            files[fd] = os.readlink("/proc/%s/fd/%s" % (pid, fd))
    return files


def worker_pids(server):
    return subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True,
                          text=True, check=True).stdout.split()


def held_per_worker(server):
    """Connections to the server's port that each of its worker processes holds."""
    inodes = tcp_inodes(server.port, "01")
    return {pid: sum(1 for link in open_files(pid).values()
                     if (m := re.fullmatch(r"socket:\[(\d+)\]", link)) and m[1] in inodes)
            for pid in worker_pids(server)}


def listening(pid, listen_inodes):
    """Whether the worker's poller watches the listening socket (its app loaded, its loop on)."""
    files = open_files(pid)
    listener = {fd for fd, link in files.items()
                if (m := re.fullmatch(r"socket:\[(\d+)\]", link)) and m[1] in listen_inodes}
    for fd, link in files.items():
        if link == "anon_inode:[eventpoll]":
            with contextlib.suppress(OSError), open("/proc/%s/fdinfo/%s" % (pid, fd)) as fh:
                if any(line.split()[1] in listener for line in fh if line.startswith("tfd:")):
                    return True
    return False


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_the_procfile_spreads_a_burst_of_connections_over_its_workers(tmp_path):
    """Each connection holds a thread (a request whose headers never end). Plain gthread gave
    4 and 4 in one burst out of 8, else 3 and 5, 2 and 6, 1 and 7 (and 0 and 8 when a worker
    was still loading the app: the bursts wait for both to listen). Here a worker may miss its
    turn (not woken within the yield, on a loaded machine), not twice in a burst; and, on a
    machine the whole test suite loads, one burst in four may go as plain gthread's do (seen
    once in CI: 1 and 7, then 4 and 4 twice)."""
    workers, threads = 2, 4
    spreads = []
    with ProcfileServer(INSTANCE_PATH=str(tmp_path), WEB_CONCURRENCY=str(workers),
                        WEB_THREADS=str(threads)) as server:
        listen_inodes = tcp_inodes(server.port, "0A")
        for burst in range(4):
            wait_until(lambda: len(worker_pids(server)) == workers and all(
                listening(pid, listen_inodes) for pid in worker_pids(server)), seconds=60)
            clients = []
            try:
                for _ in range(workers * threads):
                    client = socket.create_connection(("127.0.0.1", server.port))
                    client.sendall(b"GET /healthz HTTP/1.1\r\nHost: widget.test\r\n")
                    clients.append(client)
                wait_until(lambda: sum(held_per_worker(server).values()) == len(clients))
                spreads.append(sorted(held_per_worker(server).values()))
                # Every thread taken: one more connection is still taken in, by some worker.
                clients.append(socket.create_connection(("127.0.0.1", server.port)))
                wait_until(lambda: sum(held_per_worker(server).values()) == len(clients))
            finally:
                for client in clients:
                    client.close()
            wait_until(lambda: not sum(held_per_worker(server).values()))  # closed theirs
    assert sum(spread[0] >= threads - 1 for spread in spreads) >= 3, spreads
    assert [threads] * workers in spreads, spreads
