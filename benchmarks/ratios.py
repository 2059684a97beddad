"""The widget against a bare Flask page, side by side in one run: the ratios issue 11 sets goals on.

    make bench                 # or: .venv/bin/python benchmarks/ratios.py

Both are served by the Procfile's web line with its default gunicorn settings, from fresh
copies of the tree: the widget with its embedded sandbox, the bare page by
benchmarks/bare_app.py (a Jinja page, no session, no upstream, no i18n). Printed, each with
the widget's figure, the bare page's and the ratio:

- throughput (wrk, three turns of 4 s each for the widget and the bare page, alternating) at 16
  and 64 connections: the provider-list page and an htmx search, each against a bare page of
  its own size (goal: ratio >= 0.5);
- CPU per syncing-screen poll (the server's processes' user+system time, from /proc) against
  a bare fragment, twice: POLLS polls back to back on one screen (within the poll interval:
  the widget answers 204 without asking the upstream), and users polling every 1.2 s as htmx
  does, each poll then asking the upstream when its interval is over, measured during the
  waiting-users step below, at the most users both passed (goal: ratio <= 2, on the second);
- waiting users per core with p99 under 100 ms (users polling every 1.2 s, doubling until p99
  passes 100 ms; each a sandbox user of their own; at each step they arrive over 6 s, one turn
  of a quiet sync's looks, then their polls count for 10 s; goal: ratio >= 0.5);
- provider search at 300,000 providers (the sandbox's search, in process, on a scratch
  database; goal: <= 5 ms for any query).

Absolute times mean little on a shared machine; the ratios are measured in the same run.
"""
import argparse
import asyncio
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.waiting_users import load, percentile  # noqa: E402
from tests.procfile_server import ProcfileServer, fresh_copy  # noqa: E402
from tests.waiting_screen import (create_widget_session, new_user,  # noqa: E402
                                  poll_headers, waiting_user)

# No webhooks to the playground's receiver: it runs in the widget's own processes, and a
# Client's receiver runs on the Client's servers (every search is an event, so each search
# would also be a POST to this server, verified: half its throughput).
WIDGET_ENV = {"SANDBOX_SLOW_SYNC_SECONDS": str(24 * 3600), "SANDBOX_WEBHOOKS": "0",
              "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": "0"}
# Over one turn of a quiet sync's looks at the upstream (5 s at most, flows/syncing.py, so at
# the 5th poll of 1.2 s): each user's looks then fall at their own moment of that turn.
ARRIVAL_SECONDS = 6.0
REQUESTS_PER_SECOND = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_SCRIPT = """local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end
function init(args)
  n = first
end
function request()
  n = (n + 2) %% #paths
  return wrk.format(nil, paths[n + 1])
end
"""


def bare_server(folder):
    """The Procfile's line and settings, serving benchmarks/bare_app.py."""
    tree = Path(fresh_copy(str(folder / "bare")))
    procfile = tree / "Procfile"
    procfile.write_text(procfile.read_text().replace(" app:app", " benchmarks.bare_app:app"))
    return ProcfileServer(str(tree)).start()


def wrk(base, paths, connections, headers=(), seconds=10):
    """Requests per second that wrk got at `connections`, cycling through `paths` (one per
    user: each widget session serialises its own requests, as it must)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        # Each of wrk's two threads cycles through its own half of the paths.
        script.write(WRK_SCRIPT % ", ".join('"%s"' % path for path in paths))
    command = ["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--timeout", "10s",
               "-s", script.name]
    for header in headers:
        command += ["-H", header]
    try:
        output = subprocess.run(command + [base], capture_output=True, text=True,
                                check=True).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in output:
        raise SystemExit("wrk got errors from %s%s:\n%s" % (base, paths[0], output))
    return float(REQUESTS_PER_SECOND.search(output).group(1))


def side_by_side(widget, bare, connections, rounds=3, seconds=4):
    """(widget, bare) requests per second, measured in turns (bare, widget, bare, ...) so that
    a change in the machine's other load weighs on both alike; each target is (base, paths,
    headers)."""
    rates = {"widget": [], "bare": []}
    for _ in range(rounds):
        for name, (base, paths, headers) in (("bare", bare), ("widget", widget)):
            rates[name].append(wrk(base, paths, connections, headers, seconds))
    return statistics.mean(rates["widget"]), statistics.mean(rates["bare"])


def cpu_seconds(pid):
    """User+system CPU time of a process and its children (gunicorn's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def cpu_per_request(server, target, headers, count):
    with requests.Session() as http:
        http.get(server.url + target, headers=headers, timeout=30)  # warm
        before = cpu_seconds(server.process.pid)
        for _ in range(count):
            answer = http.get(server.url + target, headers=headers, timeout=30)
            assert answer.status_code in (200, 204), answer.status_code
        return (cpu_seconds(server.process.pid) - before) / count


def users_within_100ms(server, make_targets, most, seconds=10, arrivals=ARRIVAL_SECONDS):
    """(the most users, doubling from 5, whose polls' p99 stays under 100 ms; the server's CPU
    per poll at each step passed, by users, each user polling every 1.2 s as htmx does).

    At each step the users arrive one after the other over `arrivals` seconds, then their polls
    are counted for `seconds`: a real audience's looks at the upstream fall at any moment of
    their interval, where users all arriving within one poll interval would all look together
    at every turn of it (the step's p99 while they arrive is printed too)."""
    best, users, cpu_per_poll = 0, 5, {}
    while users <= most:
        targets = make_targets(users)
        # The users of earlier steps and the new ones arrive mixed, in the same order each run:
        # the earlier ones' first polls all look (their interval ran out between steps).
        random.Random(users).shuffle(targets)
        readings = []  # the server's CPU when counting starts and when the load stops

        def read_cpu():
            readings.append(cpu_seconds(server.process.pid))

        tally = asyncio.run(load(server.port, targets, seconds, timeout=10, arrivals=arrivals,
                                 at_count=read_cpu, at_end=read_cpu))
        polls = len(tally.latencies)
        step_cpu = (readings[1] - readings[0]) / max(1, polls)
        p99, arriving = percentile(tally.latencies, 0.99), percentile(tally.arriving, 0.99)
        ms = lambda value: "-" if value is None else "%.0f" % (value * 1000)  # noqa: E731
        print("    %4d users: p99 %s ms, %d errors, %.2f ms CPU per poll (p99 %s ms while they"
              " arrived)" % (users, ms(p99), tally.errors + tally.timeouts, step_cpu * 1000,
                             ms(arriving)), flush=True)
        if p99 is None or p99 >= 0.1 or tally.errors or tally.timeouts:
            return best, cpu_per_poll
        cpu_per_poll[users] = step_cpu
        best, users = users, users * 2
    print("    (stopped at --most-users: the figure is a lower bound)")
    return best, cpu_per_poll


def search_times(folder, providers, queries, repeat=20):
    """Median milliseconds of the sandbox's provider search, per (query, offset, country), on
    `providers` rows (French, but one in 1,000 German), a page of 20 as the widget asks."""
    from widget.sandbox import provider_index
    from widget.sandbox.db import ensure_database
    from widget.sandbox.providers import fold, providers_json, search_providers

    database = folder / "search.sqlite3"
    ensure_database(str(database))  # the schema and the seeded banks, as the sandbox builds them
    db = sqlite3.connect(database)
    db.row_factory = sqlite3.Row
    towns = ["Lyon", "Saint-Étienne", "Besançon", "Orléans", "Nîmes", "Quimper", "Agen"]
    rows = []
    for number in range(providers):
        name = "Caisse %s %d" % (towns[number % len(towns)], number)
        city = towns[(number * 7) % len(towns)]
        country = "DE" if number % 1000 == 999 else "FR"
        # Popularity in a few tiers, so the order is not the names' (ties go by name).
        rows.append(("bench-%d" % number, name, city, fold(name), fold(name + " " + city), 1,
                     country, 1000 + number % 97, "demo" if number % 3 else None))
    with db:
        provider_index.add_many(db, rows)
    results = {}
    for query, offset, country in queries:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            providers_json(db, search_providers(db, query, 20, offset, country).rows,
                           lambda logo: "https://upstream.example/logos/%s.svg" % logo)
            times.append(time.perf_counter() - started)
        label = query + (" +%d" % offset if offset else "") + (" in " + country if country else "")
        results[label] = statistics.median(times) * 1000
    db.close()
    return results


def at_the_provider_list(base, http, tokens):
    session = create_widget_session(base, http, tokens)
    page = http.get(session["_links"]["add_connection"], timeout=30)
    assert 'data-screen="providers"' in page.text
    return session["session_id"], page


def ratio(widget, bare):
    return widget / bare if widget and bare else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=300)
    parser.add_argument("--most-users", type=int, default=2560)
    parser.add_argument("--providers", type=int, default=300_000)
    parser.add_argument("--arrival-seconds", type=float, default=ARRIVAL_SECONDS,
                        help="waiting users arrive over this long before their polls count;"
                             " 0: within one poll interval, counted from the first")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["throughput", "cpu", "users", "search"])
    args = parser.parse_args()
    if shutil.which("wrk") is None and "throughput" not in args.skip:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    lines = []

    def report(goal, widget, bare, unit, wanted):
        value = ratio(widget, bare)
        lines.append("%-44s widget %9.2f  bare %9.2f %-6s ratio %6.2f  (goal %s)" % (
            goal, widget, bare, unit, value, wanted))
        print(lines[-1], flush=True)

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        widget = ProcfileServer(fresh_copy(str(folder / "widget")), **WIDGET_ENV).start()
        bare = bare_server(folder)
        try:
            with requests.Session() as http:
                tokens = new_user(widget.url, http)
                # More sessions than connections: one user's requests never overlap.
                sessions = [at_the_provider_list(widget.url, http, tokens) for _ in range(256)]
            size = len(sessions[0][1].content)
            lists = ["/widget/add_connection/providers?" + urlencode({"session_id": session_id})
                     for session_id, _page in sessions]
            searches = [path + "&q=caisse" for path in lists]
            htmx = ["HX-Request: true", "HX-Target: provider-results"]
            # Each beside a bare page of its own size: the search answers a fragment.
            answer = requests.get(widget.url + searches[0], timeout=30, allow_redirects=False,
                                  headers=dict(header.split(": ", 1) for header in htmx))
            assert answer.status_code == 200, answer.status_code
            search_size = len(answer.content)
            print("provider-list page: %d bytes; htmx search: %d bytes" % (size, search_size),
                  flush=True)
            if "throughput" not in args.skip:
                bare_page = (bare.url, ["/page?bytes=%d" % size], ())
                bare_fragment = (bare.url, ["/page?bytes=%d" % search_size], ())
                for connections in (16, 64):
                    report("provider list, req/s at %d connections" % connections,
                           *side_by_side((widget.url, lists, ()), bare_page, connections),
                           "req/s", ">= 0.5")
                    report("htmx search, req/s at %d connections" % connections,
                           *side_by_side((widget.url, searches, htmx), bare_fragment,
                                         connections),
                           "req/s", ">= 0.5")
            if "cpu" not in args.skip:
                session, link = waiting_user(widget.url, tokens)
                target = "/widget/add_connection/wait?" + urlencode({"session_id": session})
                report("CPU per poll, back to back (mostly 204)",
                       cpu_per_request(widget, target, poll_headers(link), args.polls) * 1000,
                       cpu_per_request(bare, "/wait", poll_headers(bare.url), args.polls) * 1000,
                       "ms", "<= 2")
            if "users" not in args.skip:
                cores = os.cpu_count() or 1
                waiting = []

                def waiting_targets(n):
                    """n users on the syncing screen: made as the doubling needs them, a few
                    at a time (each is a whole journey to the screen), each a sandbox user of
                    their own, as make bench-wait makes them: one user's event queue would
                    carry every other waiting user's events, and each look would read them."""
                    with ThreadPoolExecutor(4) as pool:
                        waiting.extend(pool.map(lambda _: waiting_user(widget.url),
                                                range(n - len(waiting))))
                    return [("/widget/add_connection/wait?" + urlencode({"session_id": sid}),
                             poll_headers(link)) for sid, link in waiting[:n]]

                print("  waiting users, widget:", flush=True)
                arrivals = args.arrival_seconds or None
                widget_users, widget_cpu = users_within_100ms(widget, waiting_targets,
                                                              args.most_users, arrivals=arrivals)
                print("  waiting users, bare page:", flush=True)
                bare_users, bare_cpu = users_within_100ms(bare, lambda n: [
                    ("/wait?user=%d" % k, poll_headers(bare.url)) for k in range(n)],
                    args.most_users, arrivals=arrivals)
                report("waiting users per core, p99 < 100 ms", widget_users / cores,
                       bare_users / cores, "users", ">= 0.5")
                # At the same load for both: a server's CPU per request falls as its load
                # grows (less of each request finds the caches cold), and the bare page goes
                # on to more users than the widget.
                same = max(set(widget_cpu) & set(bare_cpu), default=None)
                if same:
                    report("CPU per poll, %d users polling every 1.2 s" % same,
                           widget_cpu[same] * 1000, bare_cpu[same] * 1000, "ms", "<= 2")
                else:
                    lines.append("CPU per poll, users polling every 1.2 s: no step passed by both")
                    print(lines[-1], flush=True)
        finally:
            widget.stop()
            bare.stop()
        if "search" not in args.skip:
            # Broad and narrow, 1 and 2 characters, an accent, everything, nothing, a deep page;
            # a country that has most banks, one that has few (300) and one that has none;
            # last, nothing though every trigram of it is in thousands of names (the worst found).
            queries = [("caisse", 0, None), ("saint etienne", 0, None), ("besancon", 0, None),
                       ("zzz-nothing", 0, None), ("12345", 0, None), ("c", 0, None),
                       ("ag", 0, None), ("zq", 0, None), ("é", 0, None), ("", 0, None),
                       ("caisse", 980, None), ("", 980, None), ("lyon 4", 0, None),
                       ("caisse", 0, "FR"), ("", 0, "FR"), ("caisse", 0, "DE"), ("c", 0, "DE"),
                       ("", 0, "DE"), ("caisse", 980, "DE"), ("lyon 4", 0, "DE"),
                       ("caisse", 0, "US"), ("1 lyon 2", 0, None)]
            for query, ms in search_times(folder, args.providers, queries).items():
                lines.append("provider search at %d providers, %-20r %7.2f ms  (goal <= 5 ms)"
                             % (args.providers, query, ms))
                print(lines[-1], flush=True)
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
