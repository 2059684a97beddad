"""N users waiting on the widget's captive syncing screen, served by the Procfile's command.

    make bench-wait                 # N=200 SECONDS=30
    make bench-wait N=1000 SECONDS=60

Method: the Procfile's web line (gunicorn, as a PaaS runs it, its default settings) serves a
fresh copy of the tree on a free port, with a fresh instance folder. N widget sessions are
made over HTTP as a Client makes them (a sandbox user each, terms, tokens, POST
/widget_session as demo-client), each taken to the syncing screen of a `slow` sync (Banque en
Ligne, EMBEDDED, captive mode) that lasts longer than the run. Then each user, on its own
keep-alive HTTP/1.1 connection to 127.0.0.1, polls that screen as htmx does: every 1200 ms
with htmx's headers, one poll in flight at most, and a tick that falls while waiting sends
one poll as soon as the answer comes (htmx's queue "last"). In the same run, a bare Flask
page (benchmarks/bare_app.py, the same Procfile line and gunicorn settings) gets the same
load. Printed: p50/p99 latency, answered requests, errors and time-outs, the ratios
widget/bare, and, when the load stops (every user leaves at once, answered or not), how soon
each server answers a plain page (`/`). Every run is bounded: SECONDS of load, then 30 s at
most for that check.
"""
import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.procfile_server import ProcfileServer, fresh_copy  # noqa: E402
from tests.waiting_screen import new_user, poll_headers, waiting_user  # noqa: E402

POLL_SECONDS = 1.2  # hx-trigger="every 1200ms" in templates/widget/screens/syncing.html


class Connection:
    """One user's keep-alive HTTP/1.1 connection, opened again after a failure."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def get(self, target, headers):
        """(status, body size) of a GET on this connection."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = ["GET %s HTTP/1.1" % target, "Host: 127.0.0.1:%d" % self.port,
                 "User-Agent: passerelle-bench-wait", "Accept-Encoding: gzip, deflate",
                 *("%s: %s" % item for item in headers.items()), "", ""]
        self.writer.write("\r\n".join(lines).encode("latin-1"))
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        fields = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            body = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        elif status in (204, 304):
            body = b""
        else:
            body = await self.reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, len(body)

    async def _chunked(self):
        body = b""
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            body += await self.reader.readexactly(size)
            await self.reader.readline()
        while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        return body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Tally:
    def __init__(self):
        self.latencies, self.sizes, self.errors, self.timeouts, self.statuses = [], [], 0, 0, {}
        self.left_waiting = 0  # polls still unanswered when the load stopped
        self.arriving = []  # latencies of the polls sent while users were still arriving


async def one_user(port, target, headers, tally, start, end, timeout, counted_from=0.0):
    """Poll like htmx until `end`: on a tick, or at once when a tick fell during the last poll.
    Polls sent before `counted_from` are tallied apart (`arriving`), not in `latencies`."""
    loop = asyncio.get_running_loop()
    connection = Connection(port)
    next_tick = start
    queued = False
    try:
        while True:
            if not queued:
                await asyncio.sleep(max(0.0, next_tick - loop.time()))
                next_tick += POLL_SECONDS
            if loop.time() >= end:
                return
            sent = loop.time()
            try:
                status, size = await asyncio.wait_for(connection.get(target, headers), timeout)
            except asyncio.CancelledError:  # the load stops: this user leaves, unanswered
                tally.left_waiting += 1
                raise
            except asyncio.TimeoutError:
                tally.timeouts += 1
                connection.close()
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                tally.errors += 1
                connection.close()
            else:
                tally.statuses[status] = tally.statuses.get(status, 0) + 1
                if status in (200, 204):  # 204: nothing new, htmx keeps the screen
                    if sent < counted_from:
                        tally.arriving.append(loop.time() - sent)
                    else:
                        tally.latencies.append(loop.time() - sent)
                        tally.sizes.append(size)
                else:
                    tally.errors += 1
            done = loop.time()
            queued = done >= next_tick
            while next_tick <= done:
                next_tick += POLL_SECONDS
    finally:
        connection.close()


async def load(port, targets, seconds, timeout, arrivals=None, at_count=None,
               at_end=None):
    """Every user's polls for `seconds`; then how long until a plain page is answered.

    Users open the screen one after the other, evenly over the first poll interval, or over
    `arrivals` seconds when given: then the polls sent while they arrive are tallied apart
    (`Tally.arriving`), `seconds` of counted polls follow the last arrival, and `at_count()` and
    `at_end()` are called when counting starts and when the load stops (CPU readings, say)."""
    loop = asyncio.get_running_loop()
    tally = Tally()
    start = loop.time() + 0.5
    spread = POLL_SECONDS if arrivals is None else arrivals
    counted_from = start if arrivals is None else start + arrivals
    end = counted_from + seconds
    users = [asyncio.create_task(one_user(port, target, headers, tally,
                                          start + spread * number / len(targets), end,
                                          timeout, counted_from))
             for number, (target, headers) in enumerate(targets)]
    await asyncio.sleep(max(0.0, counted_from - loop.time()))
    if at_count:
        at_count()
    await asyncio.sleep(max(0.0, end - loop.time()))
    if at_end:
        at_end()
    # The load stops at once: every user closes its page, answered or not (the server may
    # still hold their polls in its queue: recovering means getting through them).
    for user in users:
        user.cancel()
    await asyncio.gather(*users, return_exceptions=True)
    stopped = loop.time()
    tally.recovery = None
    while loop.time() - stopped < 30:
        connection = Connection(port)
        try:
            status, _ = await asyncio.wait_for(connection.get("/", {}), 2)
            if status == 200:
                tally.recovery = loop.time() - stopped
                break
        except (asyncio.TimeoutError, OSError, ValueError, IndexError,
                asyncio.IncompleteReadError):
            await asyncio.sleep(0.2)
        finally:
            connection.close()
    return tally


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else None


def summary(name, tally, seconds):
    p50, p99 = percentile(tally.latencies, 0.5), percentile(tally.latencies, 0.99)
    ms = lambda value: "-" if value is None else "%.0f" % (value * 1000)  # noqa: E731
    recovered = ("answered %.1f s after" % tally.recovery if tally.recovery is not None
                 else "got NO answer within 30 s after")
    print("%-7s p50 %6s ms  p99 %6s ms  answered %6d (%5.1f/s)  errors %4d  time-outs %4d  "
          "body %s B" % (name, ms(p50), ms(p99), len(tally.latencies),
                         len(tally.latencies) / seconds, tally.errors, tally.timeouts,
                         int(statistics.median(tally.sizes)) if tally.sizes else "-"))
    print("        statuses %s, %d polls unanswered when the load stopped; a plain page %s it"
          % (tally.statuses or "{}", tally.left_waiting, recovered))
    return p50, p99


def widget_run(folder, args):
    tree = fresh_copy(str(folder / "widget"))
    server = ProcfileServer(tree, SANDBOX_SLOW_SYNC_SECONDS=str(24 * 3600),
                            # Setting users up is not what is measured: a cheap hash for it.
                            SANDBOX_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
                            # N users all come from one loopback address here, not from N
                            # addresses: the per-IP limits would refuse the set-up. (The polls
                            # measured are GETs, which no limit counts.)
                            RATELIMIT_ENABLED="0",
                            # The playground's webhook receiver runs in these processes; a
                            # Client's runs on the Client's servers.
                            SANDBOX_WEBHOOKS="0").start()
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(args.setup_threads) as pool:
            accounts = list(pool.map(lambda _: new_user(server.url, requests.Session()),
                                     range(-(-args.users // args.sessions_per_user))))
            per_user = args.sessions_per_user
            users = list(pool.map(lambda number: waiting_user(server.url,
                                                              accounts[number // per_user]),
                                  range(args.users)))
        print("%d widget sessions (%d sandbox users) on the syncing screen in %.0f s" % (
            args.users, len(accounts), time.monotonic() - started))
        targets = [("/widget/add_connection/wait?" + urlencode({"session_id": session_id}),
                    poll_headers(link)) for session_id, link in users]
        return asyncio.run(load(server.port, targets, args.seconds, args.timeout))
    finally:
        failures = [line for line in server.log().splitlines() if "upstream failure" in line]
        server.stop()
        if failures:
            print("widget: %d upstream failures logged, the first ones:" % len(failures))
            print("\n".join(failures[:5]))


def bare_run(folder, args):
    """The same Procfile line and gunicorn settings, serving benchmarks/bare_app.py instead."""
    tree = Path(fresh_copy(str(folder / "bare")))
    procfile = tree / "Procfile"
    web = procfile.read_text(encoding="utf-8")
    assert " app:app" in web, "the Procfile's web line no longer names app:app"
    procfile.write_text(web.replace(" app:app", " benchmarks.bare_app:app"), encoding="utf-8")
    server = ProcfileServer(str(tree)).start()
    try:
        targets = [("/wait?user=%d" % number, poll_headers(server.url + "/"))
                   for number in range(args.users)]
        return asyncio.run(load(server.port, targets, args.seconds, args.timeout))
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=30, help="one request's time-out")
    parser.add_argument("--setup-threads", type=int, default=8)
    parser.add_argument("--sessions-per-user", type=int, default=1,
                        help="widget sessions (connections) of each sandbox user")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        widget = widget_run(folder, args)
        bare = bare_run(folder, args)
    print("\n%d users polling every %.1f s for %.0f s, each on its own connection "
          "(the Procfile's gunicorn settings):" % (args.users, POLL_SECONDS, args.seconds))
    w50, w99 = summary("widget", widget, args.seconds)
    b50, b99 = summary("bare", bare, args.seconds)
    ratio = lambda a, b: "%.1f" % (a / b) if a and b else "-"  # noqa: E731
    print("ratio   p50 %s  p99 %s  answered %s  (widget/bare)" % (
        ratio(w50, b50), ratio(w99, b99), ratio(len(widget.latencies), len(bare.latencies))))


if __name__ == "__main__":
    main()
