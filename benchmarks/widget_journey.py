"""How fast the widget answers: each step of an add_connection journey, timed over many runs.

    make bench            # or: .venv/bin/python benchmarks/widget_journey.py --runs 30

Serves the app with its embedded sandbox on a free loopback port (threaded, like `make run`),
plays the Client and the user over real HTTP without JavaScript, and prints each step's
median, 95th percentile and worst time. Speed is measured here, never asserted in a test.
"""
import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.client_backend import sandbox_user  # noqa: E402
from tests.live_server import build_app  # noqa: E402

# A sync of SANDBOX_SYNC_SECONDS=1 ends in a few polls, however slow the upstream looks grow.
MOST_POLLS = 60
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def journey(base, user, timings):
    """One EMBEDDED journey at Banque en Ligne, each step's duration appended to `timings`."""
    http = requests.Session()

    def timed(step, method, url, **kwargs):
        started = time.perf_counter()
        response = http.request(method, url, timeout=30, **kwargs)
        timings.setdefault(step, []).append(time.perf_counter() - started)
        return response

    created = timed("create session", "POST", base + "/widget_session",
                    auth=("demo-client", "demo-secret"),
                    data={"access_token": user["access_token"],
                          "refresh_token": user["refresh_token"],
                          "redirect_url": base + "/playground/return"})
    session_id = created.json()["session_id"]
    page = timed("open widget", "GET", base + "/widget/add_connection",
                 params={"session_id": session_id})
    form = {"session_id": session_id, "csrf_token": CSRF.search(page.text).group(1)}
    timed("search providers", "GET", base + "/widget/add_connection/providers",
          params={"session_id": session_id, "q": "banque"}, headers={"HX-Request": "true"})
    timed("choose provider", "POST", base + "/widget/add_connection/provider",
          data={**form, "provider_id": "web"}, headers={"HX-Request": "true"})
    timed("submit credentials", "POST", base + "/widget/add_connection/credentials",
          data={**form, "login": "demo", "password": "benchmark"}, headers={"HX-Request": "true"})
    timed("consent and start sync", "POST", base + "/widget/add_connection/consent",
          data=form, headers={"HX-Request": "true"})
    for _ in range(MOST_POLLS):
        time.sleep(1.05)  # the widget answers one poll a second per session
        answer = timed("sync poll", "GET", base + "/widget/add_connection/wait",
                       params={"session_id": session_id},
                       headers={"HX-Request": "true", "HX-Trigger": "sync-progress"})
        if answer.headers.get("HX-Redirect"):
            break
    else:
        raise SystemExit("the sync never ended: the journey went off its path (%s)" % session_id)
    http.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, server = build_app(Path(folder), SANDBOX_SYNC_SECONDS=1, TESTING=False)
        server.start()
        app.live_url = server.url
        try:
            timings = {}
            for _ in range(args.runs):
                # A new user each time: a user's second connection to the same bank would stop
                # at "already connected" (duplicate prevention), another journey than this one.
                journey(server.url, sandbox_user(app, accept_terms=True), timings)
        finally:
            server.stop()
    print("%-24s %8s %8s %8s  (ms, %d runs)" % ("step", "median", "p95", "worst", args.runs))
    for step, values in timings.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print("%-24s %8.1f %8.1f %8.1f" % (step, statistics.median(values) * 1000, p95 * 1000,
                                           values[-1] * 1000))


if __name__ == "__main__":
    main()
