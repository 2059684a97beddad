"""The bounded thread pools in-process calls run on (widget/upstream/in_process.py): their own,
never the server's, so that no call waits for a thread of the requests that wait on it."""
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
APP_THREADS = 4  # a demo Client's calls to the widget's own API


def upstream_threads(config: Mapping[str, Any]) -> int:
    """A thread for each server thread (WEB_THREADS) and each demo Client call: no call queues."""
    return int(config.get("WEB_THREADS") or 8) + APP_THREADS


class CallPool:
    """A bounded pool of `size(config)` threads: a call starts within its connect timeout, or
    not at all."""

    def __init__(self, name: str, size: Callable[[Mapping[str, Any]], int]) -> None:
        self.name = name
        self.size = size
        self._slots: threading.BoundedSemaphore | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _ready(self, config: Mapping[str, Any],
               ) -> tuple[threading.BoundedSemaphore, ThreadPoolExecutor]:
        # Made on first use, so each gunicorn worker starts its threads after the fork.
        with self._lock:
            if self._slots is None or self._executor is None:
                size = self.size(config)
                self._slots = threading.BoundedSemaphore(size)
                self._executor = ThreadPoolExecutor(max(size, 1), thread_name_prefix=self.name)
            return self._slots, self._executor

    def submit(self, call: Callable[[], T], connect_timeout: float | None,
               config: Mapping[str, Any]) -> "Future[T] | None":
        """The call's future, or None when no thread came free in time."""
        slots, executor = self._ready(config)
        if not slots.acquire(timeout=connect_timeout):
            return None

        def run() -> T:
            try:
                return call()
            finally:
                slots.release()

        try:
            return executor.submit(run)
        except RuntimeError:  # the interpreter is shutting down
            slots.release()
            return None
