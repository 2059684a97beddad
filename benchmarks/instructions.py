"""Instructions per widget request, counted by callgrind: repeatable where timings are not.

    make bench-instructions            # or: .venv/bin/python benchmarks/instructions.py list search

This machine's timings move by a fifth from run to run; callgrind counts the instructions a
process runs (user space only: the kernel's share of a file write or a socket is not in them),
the same within a few thousandths for the same tree. Each kind of request is run in process
(Flask's test client against the app and its embedded sandbox, on a fresh copy of the tree and
its own instance folder, the benchmark's settings) twice under callgrind, side by side, 50 and
250 times after the same set-up and 50 requests to warm up; the difference over 200 is one
request's count. Work driven by the clock is set off (the provider list kept for a day, the
file store's sweep never due): the longer run would meet more of it, by how slow the machine is.

- list: the provider-list page; search: an htmx search ("caisse");
- poll: a syncing screen's poll within its interval (204, no look at the upstream);
- look: a syncing screen's poll that asks the upstream (the widget's clock moved 6 s at each);
- pace: a syncing screen's poll at the users' pace (each user every 1.2 s of the widget's clock,
  as htmx polls): a look when its interval is over (one poll in four or five once the interval
  is at its cap), a 204 within it.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.procfile_server import fresh_copy  # noqa: E402
KINDS = ("list", "search", "poll", "look", "pace")
# The benchmark's settings, and no work driven by the clock: a run under callgrind lasts minutes,
# and the longer of the two would otherwise meet more of the provider list's expiries (60 s).
SETTINGS = {"SANDBOX_SLOW_SYNC_SECONDS": str(24 * 3600), "SANDBOX_WEBHOOKS": "0",
            "SANDBOX_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": "0",
            "PROVIDER_CACHE_SECONDS": str(24 * 3600)}
TOTALS = re.compile(r"^totals: (\d+)", re.M)


def per_request(kind, folder, few=50, many=250):
    """One request's instructions: the two inner runs side by side (so that work driven by the
    clock, such as the store's sweep, weighs on both alike), each on its own copy of the tree
    (its own instance folder: no lock shared), the difference over many - few."""
    for count in (few, many):
        fresh_copy(str(folder / ("tree-%d" % count)))
    runs = {count: subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--trace-children=yes",
         "--callgrind-out-file=%s/%s-%d.%%p" % (folder, kind, count), sys.executable, __file__,
         "--inner", kind, str(count)], cwd=folder / ("tree-%d" % count),
        env={**os.environ, **SETTINGS, "PYTHONPATH": str(folder / ("tree-%d" % count))},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for count in (few, many)}
    totals = {}
    for count, run in runs.items():
        if run.wait() != 0:
            raise SystemExit("the inner run of %s %d failed" % (kind, count))
        # The inner run's own process: the largest count of those callgrind saw.
        totals[count] = max(int(TOTALS.search(path.read_text()).group(1))
                            for path in folder.glob("%s-%d.*" % (kind, count)))
    return (totals[many] - totals[few]) / (many - few)


def inner(kind, count):
    """Set up, warm up, then `count` requests of `kind` (run under callgrind by `counted`)."""
    import requests
    import tests.waiting_screen as screens
    import widget.store_files
    from widget import create_app

    widget.store_files.SWEEP_EVERY_SECONDS = 10 ** 9  # nor the file store's sweep (every 180 s)
    from widget.upstream.in_process import INTERNAL_ORIGIN, InProcessAdapter

    app = create_app()
    adapter, plain = InProcessAdapter(app), requests.Session

    def session():
        http = plain()
        http.mount(INTERNAL_ORIGIN + "/", adapter)
        return http

    screens.requests.Session = session  # the helpers' HTTP goes in process too
    base, http, client = INTERNAL_ORIGIN, session(), app.test_client()
    created = screens.create_widget_session
    screens.create_widget_session = lambda base, http, tokens: created(
        base, http, tokens, redirect_url="http://localhost/playground/return")
    tokens = screens.new_user(base, http)
    if kind in ("list", "search"):
        paths = []
        for _ in range(8):
            link = screens.create_widget_session(base, http, tokens)["_links"]["add_connection"]
            session_id = link.split("session_id=", 1)[1]
            http.get(link, timeout=30)
            paths.append("/widget/add_connection/providers?" + urlencode(
                {"session_id": session_id, **({"q": "caisse"} if kind == "search" else {})}))
        headers = {"HX-Request": "true", "HX-Target": "provider-results"} \
            if kind == "search" else {}

        def one(n):
            assert client.get(paths[n % 8], headers=headers, base_url=base).status_code == 200
    else:
        users = [screens.waiting_user(base, tokens) for _ in range(8)]
        now = [time.time() + 100]
        app.config["WIDGET_CLOCK"] = lambda: now[0]

        def one(n):
            if kind == "look" and n % 8 == 0:
                now[0] += 6  # past the longest interval: every user's poll looks
            if kind == "pace":
                now[0] += 1.2 / 8  # each of the 8 users polls every 1.2 s
            session_id, link = users[n % 8]
            answer = client.get("/widget/add_connection/wait?" + urlencode(
                {"session_id": session_id}), headers=screens.poll_headers(link), base_url=base)
            assert answer.status_code in (200, 204)
    for n in range(50 + count):
        one(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", default=list(KINDS))
    parser.add_argument("--inner", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return inner(args.inner[0], int(args.inner[1]))
    for kind in args.kinds:
        with tempfile.TemporaryDirectory() as name:
            print("%-6s %6.2f M instructions per request" % (
                kind, per_request(kind, Path(name)) / 1e6), flush=True)


if __name__ == "__main__":
    main()
