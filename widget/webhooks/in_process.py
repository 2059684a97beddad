"""Without REDIS_URL: a thread of the web process delivers, with the same retries as the worker.

What that loses (README.md says it too): deliveries still pending when the process stops, and
order across processes (each gunicorn worker delivers the events of the requests it served).
One thread delivers every session's events, one attempt at a time.
"""
import collections
import os
import threading
import time
from collections.abc import Callable

from widget.webhooks.delivery import Delivery, attempt, given_up, gives_up, retry_delay


class InProcessDeliveries:
    def __init__(self, secret_for: Callable[[str], str | None], timeout: float,
                 base: float) -> None:
        self.secret_for = secret_for
        self.timeout = timeout
        self.base = base
        self._queues: dict[str, collections.deque[Delivery]] = {}
        # Per session: (failures in a row, first failure, not before).
        self._retries: dict[str, tuple[int, float, float]] = {}
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def add(self, session_key: str, deliveries: list[Delivery]) -> None:
        """Deliver these after those already waiting for the session."""
        with self._wake:
            self._queues.setdefault(session_key, collections.deque()).extend(deliveries)
            # After a fork (gunicorn's workers), the parent's thread does not exist here.
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="webhook-deliveries",
                                                daemon=True)
                self._thread.start()
            self._wake.notify()

    def pending(self) -> int:
        with self._wake:
            return sum(len(queue) for queue in self._queues.values())

    def _next(self) -> tuple[str, Delivery] | None:
        """The session whose turn it is and its first delivery; waits until there is one."""
        with self._wake:
            while True:
                now = time.time()
                due = [(self._retries.get(key, (0, 0, 0))[2], key)
                       for key, queue in self._queues.items() if queue]
                if due:
                    not_before, key = min(due)
                    if not_before <= now:
                        return key, self._queues[key][0]
                    self._wake.wait(not_before - now)
                else:
                    self._wake.wait()

    def _run(self) -> None:
        while True:
            key, delivery = self._next()  # type: ignore[misc]
            secret = self.secret_for(delivery.client_id)
            accepted = secret is not None and attempt(delivery, secret, self.timeout)
            with self._wake:
                failures, first, _ = self._retries.get(key, (0, time.time(), 0))
                now = time.time()
                if accepted or gives_up(first, now):
                    if not accepted:
                        given_up(delivery)
                    self._queues[key].popleft()
                    self._retries.pop(key, None)
                    if not self._queues[key]:
                        del self._queues[key]
                else:
                    failures += 1
                    self._retries[key] = (failures, first, now + retry_delay(failures, self.base))
