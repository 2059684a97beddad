"""Bursts of one session's credential form across two processes sharing Redis, upstream slow.

    make bench-locks     # or: .venv/bin/python benchmarks/lock_bursts.py --bursts 100 --size 20

Two Procfile commands (gunicorn, 1 worker of 16 threads each) serve one fresh copy of the tree
and share one Redis database and one instance folder, as two dynos share their add-ons. Every
connection call of the sandbox answers after 1.5 s, longer than a session lock's time to live
(1 s): only a lock its holder keeps renewing holds. Each burst is a new user's widget session
on the credential form, sent SIZE times at once, alternately to each process. Printed: how
many bursts made other than exactly one connection, how the answers split (the accounts screen
for the request that did the work or came after it, "in progress" for a duplicate that found the
session busy), and tracebacks in the logs. Goal: 0 double connections.
"""
import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.credential_bursts import credential_burst, server_settings  # noqa: E402
from tests.procfile_server import ProcfileServer, fresh_copy  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=100)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tree = fresh_copy(folder)
        settings = server_settings(args.redis_url, lock_seconds="1", slow_seconds="1.5")
        with ProcfileServer(tree, **settings) as one, ProcfileServer(tree, **settings) as two:
            wrong, answers = 0, collections.Counter()
            started = time.monotonic()
            for number in range(1, args.bursts + 1):
                connections, burst = credential_burst([one.url, two.url], size=args.size)
                answers.update(burst)
                if connections != 1:
                    wrong += 1
                    print("burst %d: %d connections" % (number, connections), flush=True)
            elapsed = time.monotonic() - started
            tracebacks = one.log().count("Traceback") + two.log().count("Traceback")
    print("%d bursts of %d across 2 processes in %.0f s: %d with other than one connection"
          % (args.bursts, args.size, elapsed, wrong))
    for (status, screen), count in sorted(answers.items(), key=str):
        print("  %5d answers: %s %s" % (count, status, screen))
    print("  tracebacks in the servers' logs: %d" % tracebacks)
    return 1 if wrong or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
