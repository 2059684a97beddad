"""`make bench`'s journey still walks its path: a change to the widget's screens (a new screen on
the way, say) must not leave the benchmark polling a sync that was never started."""
import subprocess
import sys

from widget.config import ROOT


def test_two_journeys_each_reach_the_end_and_print_every_step():
    run = subprocess.run([sys.executable, "benchmarks/widget_journey.py", "--runs", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    steps = [line.split("  ")[0].strip() for line in run.stdout.splitlines()[1:]]
    assert steps == ["create session", "open widget", "search providers", "choose provider",
                     "submit credentials", "consent and start sync", "sync poll"]
