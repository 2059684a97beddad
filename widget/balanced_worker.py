"""gunicorn's threaded worker, taking a new connection first when it has a thread free for it.

The workers share one listening socket and each takes what it can. Left to that, one worker
often took every connection of a burst (all 64 of a load test's, seen in 5 turns out of 12,
for the widget and for a bare Flask page alike) while the other had none: a router's kept-alive
connections stay where they landed, and one worker, one core under the GIL, then served them
all while the other core idled, at half the throughput.

Here a worker whose threads are all taken (by requests running or queued) stops listening for
a moment: a worker with a thread free takes the connection. After `YIELD_SECONDS` it takes one
anyway, so that when every worker is busy a new connection still gets in as before (queued
behind the requests in hand), never left waiting in the kernel's backlog for a thread to free.
"""
from time import monotonic

from gunicorn.workers.gthread import ThreadWorker

# How long a worker with no thread free leaves a new connection to the others: at least a
# scheduler's tick, so that an idle worker, woken for the connection, gets to take it.
YIELD_SECONDS = 0.01


class BalancedThreadWorker(ThreadWorker):
    """gthread, except that a worker with no free thread lets the others take a connection."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._yield_until = 0.0

    def busy(self) -> int:
        """Connections with a request running or queued for a thread (neither kept alive
        between requests nor waiting for a first request)."""
        return self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)

    def accept(self, listener):
        super().accept(listener)
        if self.busy() >= self.cfg.threads:
            self._yield_until = monotonic() + YIELD_SECONDS
            self.set_accept_enabled(False)

    def set_accept_enabled(self, enabled):
        # gthread's loop asks for listening again at each turn while it has room for
        # connections; it gets it once a thread is free, or once the others had their chance.
        if enabled and self.busy() >= self.cfg.threads \
                and monotonic() < self._yield_until:
            return
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout):
        # Not asleep past the end of the yield: listening again must not wait for an event.
        left = self._yield_until - monotonic()
        if not self._accepting and left > 0:
            timeout = min(timeout, left)
        super().wait_for_and_dispatch_events(timeout)
