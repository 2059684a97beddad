"""What the session store asks of a backend (widget/store_files.py, widget/store_redis.py) and
of its cipher (widget/encryption.py)."""
from collections.abc import Iterable, Sequence
from typing import Any, ContextManager, Protocol

# What the store keeps: a key, its sealed value, and seconds to live.
Record = tuple[str, bytes | str, float]
# What the store adds to a list: its key, the sealed values, the list's seconds to live, and how
# many values it keeps at most (the oldest go first).
Append = tuple[str, Sequence[bytes | str], float, int]
SessionData = dict[str, Any]


class Backend(Protocol):
    """Where records live (widget/store_files.py, widget/store_redis.py)."""

    def get(self, key: str) -> Any: ...

    def exists(self, key: str) -> bool:
        """Whether a record may be there: a store checks this before taking a session's lock
        (so made-up ids leave no lock behind), then reads the record itself, which `get` says
        is gone once expired. True for an expired one not yet removed."""
        ...

    def write(self, records: Sequence[Record], deletes: Iterable[str] = (),
              fence: Any = None, appends: Sequence[Append] = ()) -> None: ...

    def read_list(self, key: str, most: int) -> list[bytes]: ...

    def hold_list(self, key: str, wait: float | None = None) -> "HeldList | None":
        """The list held by this request until it lets it go: every request that numbers a
        session's events holds it, with the session's lock or not (SessionBusy past `wait`).
        None when the backend holds no list: then a request without the lock appends its events
        with `append_unlocked`."""
        ...

    def append_unlocked(self, session_id: str, live: str, newest: bytes,
                        appends: Sequence[Append]) -> bool:
        """Add to lists (the events list first) only while no request holds the session's lock,
        the record `live` is there and the events list's newest value is `newest` (b"" for
        none); False otherwise."""
        ...

    def delete(self, *keys: str) -> None: ...

    def ping(self) -> None: ...

    def sweep_if_due(self) -> bool: ...

    def lock(self, session_id: str, wait: float | None = None) -> ContextManager[Any]: ...


class HeldList(Protocol):
    def read(self, most: int) -> list[bytes]: ...

    def append(self, values: Sequence[bytes | str], most: int) -> None: ...

    def close(self) -> None: ...


class Cipher(Protocol):
    """Seals a record's text, and opens it again (None when it cannot)."""

    def seal(self, text: str) -> str: ...

    def open(self, token: str | bytes) -> str | None: ...
