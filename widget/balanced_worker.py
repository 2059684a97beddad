"""gunicorn's threaded worker, leaving a new connection a moment to a worker with a free thread.

The workers share one listening socket and each takes what it can. Left to that, one worker
often took every connection of a burst (all 64 of a load test's, seen in 5 turns out of 12,
for the widget and for a bare Flask page alike) while the other had none: a router's kept-alive
connections stay where they landed, and one worker, one core under the GIL, then served them
all while the other core idled, at half the throughput.

Here a worker whose threads are all taken (by requests running or queued, whichever way they
came) does not take a new connection at once: for `YIELD_SECONDS` it stops listening, so that a
worker with a thread free takes it. Then it takes those that still wait, up to its number of
threads (queued behind the requests in hand, as gthread queues them), and leaves the next to
the others again. So when every worker is busy, new connections get in a thread pool's worth
per yield and worker, where gthread took them all at once to queue them: the rest wait in the
kernel's backlog for a few yields instead of in the thread pool's queue. Taking one per yield
was tried: under load the accepting thread also waits for the GIL, and 64 new connections
took over half a second to get in. Taking all of them was tried too: a worker busy with its
own requests took a few in the yield, and the other then took all the rest (of 64: 7–13 and
51–57 for the provider list, 4 and 60 once for the bare page, its throughput down a tenth).
With a single worker there is nobody to leave a connection to: gthread as it is.
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
        self._yielded = False  # a new connection came while saturated: the others first

    def busy(self) -> int:
        """Connections whose request is running or queued for a thread, or whose thread waits
        for its first bytes (not those kept alive between requests, nor those waiting for a
        first request on the poller)."""
        return self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)

    def saturated(self) -> bool:
        return self.cfg.workers > 1 and self.busy() >= self.cfg.threads

    def accept(self, listener):
        if self.saturated() and not self._yielded:  # a connection came: the others first
            self._yielded = True
            self._yield_until = monotonic() + YIELD_SECONDS
            return super().set_accept_enabled(False)
        return super().accept(listener)

    def set_accept_enabled(self, enabled):
        # gthread's loop asks to listen again at each turn while it has room for connections.
        if not (enabled and self._yielded):
            return super().set_accept_enabled(enabled)
        if monotonic() < self._yield_until and self.saturated():
            return None  # the others' turn; a thread freed meanwhile ends it
        self._yielded = False
        super().set_accept_enabled(True)
        if self.saturated():  # the yield is over: those still waiting, nobody else took them
            self._take_waiting(self.cfg.threads)
        return None

    def _take_waiting(self, most):
        """Up to `most` connections waiting on the listeners (gthread's accept stops at
        EAGAIN: nothing more waits)."""
        for listener in self.sockets:
            while most > 0 and self.nr_conns < self.worker_connections:
                taken = self.nr_conns
                super().accept(listener)
                if self.nr_conns == taken:
                    break
                most -= 1

    def wait_for_and_dispatch_events(self, timeout):
        # Not asleep past the end of a yield: listening again must not wait for an event.
        left = self._yield_until - monotonic()
        if not self._accepting and self._yielded and left > 0:
            timeout = min(timeout, left)
        super().wait_for_and_dispatch_events(timeout)
