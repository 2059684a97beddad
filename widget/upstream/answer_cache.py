"""Answers of the Accounts API that are the same for every user of a Client (the provider list
and its searches), kept a short while in this process.

Every user's first screen is the provider list, and each keystroke of a search asks for it
again: without this, each of those pages waited on the upstream. The catalogue changes rarely,
and `PROVIDER_CACHE_SECONDS` (0 turns the cache off) bounds how stale it may be. Only answers
that succeeded are kept; a failure is asked again on the next request. A list kept as a
SharedList keeps beside it what requests derive from it (the bank list's HTML), so that work is
done once per kept answer, not once per request.
"""
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MAX_ENTRIES = 512  # a few hundred searches; each entry is one page of providers (about 10 kB)
# Renderings kept per answer: two per language (the results as the page shows them and as a
# search refreshes them, each holding its items), room for the seven on one host, and no more (a
# key holds the request's Host header: past that, each request renders its own). About 12 kB
# each: MAX_ENTRIES answers with every place taken would hold some 100 MB, a bound users never
# reach (an answer lives PROVIDER_CACHE_SECONDS, and a Client's users share a language or two).
MAX_DERIVED = 16


class SharedList(list[Any]):
    """A list answer as the cache keeps it, with what requests derive from it (a page's HTML)
    kept beside it: every request that the same kept answer serves reuses those, and they go
    when the answer does. `derived` holds at most MAX_DERIVED values, since a key may come from
    a request (its Host header): past that, each request derives its own."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self._derived: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def derived(self, key: Hashable, derive: Callable[[], Any]) -> Any:
        """The value kept for `key`, else `derive()`'s (kept while there is room)."""
        value = self._derived.get(key)
        if value is None:
            value = derive()  # outside the lock: two threads may both derive it, alike
            with self._lock:
                if len(self._derived) < MAX_DERIVED:
                    value = self._derived.setdefault(key, value)
        return value


class AnswerCache:
    """A bounded, thread-safe map of recent answers, each kept `seconds` (least recent out)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.seconds = seconds
        self.clock = clock
        self.max_entries = max_entries
        self._answers: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_fetch(self, key: Hashable, fetch: Callable[[], Any]) -> Any:
        """The answer kept for `key`, else `fetch()`'s (kept; an exception is not)."""
        if self.seconds <= 0:
            return fetch()
        now = self.clock()
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None and kept[0] > now:
                self._answers.move_to_end(key)
                return kept[1]
        return self.put(key, fetch())  # asked outside the lock: other keys are served meanwhile

    def kept(self, key: Hashable) -> Any:
        """The answer kept for `key`, or None (none kept, or kept too long)."""
        with self._lock:
            kept = self._answers.get(key)
            if kept is None or kept[0] <= self.clock():
                return None
            self._answers.move_to_end(key)
            return kept[1]

    def put(self, key: Hashable, answer: Any) -> Any:
        """Keep `answer` for `key` (a fresh one asked anyway); the answer kept. An answer equal
        to the one kept leaves that one in place, with what was derived from it (SharedList)."""
        if self.seconds > 0:
            with self._lock:
                kept = self._answers.get(key)
                if kept is not None and kept[1] == answer:
                    answer = kept[1]
                self._answers[key] = (self.clock() + self.seconds, answer)
                self._answers.move_to_end(key)
                while len(self._answers) > self.max_entries:
                    self._answers.popitem(last=False)
        return answer
