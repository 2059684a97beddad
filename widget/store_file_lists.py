"""The filesystem store's lists (a session's events): one file per list, a sealed value a line.

A session's events are numbered and appended by a request that holds its list (`hold`: the
file open under its flock, from the first number read until after the append), whether it holds
the session's lock or not (a search, widget/store.py `unlocked`), so two writers never give one
number or append to one file at once. A file keeps at most twice its bound of lines: past that,
it is rewritten with the newest `most` lines, atomically (renamed over the old one, which the
next holder sees and opens afresh).
"""
import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence

from widget.file_locks import open_locked
from widget.store import SessionBusy, StoreUnavailable

# A sealed event is a few hundred bytes: a file this many times its bound holds more lines than
# the bound, and is worth trimming.
LINE_BYTES = 1024


class FileLists:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        os.makedirs(folder, mode=0o700, exist_ok=True)

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key)

    def append(self, key: str, values: Sequence[bytes | str], most: int) -> None:
        lines = b"".join(_line(value) for value in values)
        try:
            # The OS's calls, not a Python file: a file object costs three calls more (fstat,
            # isatty, lseek) on every search, which is an event.
            fd = os.open(self._path(key), os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC,
                         0o600)
            try:
                _write_all(fd, _after_whole_lines(fd, os.lseek(fd, 0, os.SEEK_END), lines))
                size = os.lseek(fd, 0, os.SEEK_CUR)
            finally:
                os.close(fd)
        except OSError as exc:
            raise StoreUnavailable("the session folder refused a write: %s" % exc) from None
        if size > 2 * most * LINE_BYTES:
            with contextlib.suppress(OSError):  # kept whole until the next append trims it
                self._trim(key, most)

    def read(self, key: str, most: int) -> list[bytes]:
        """The last `most` values, oldest first; [] for a list that does not exist. Read from
        the end: numbering an event reads the newest only, in a file of up to 2 × `most`."""
        try:
            fd = os.open(self._path(key), os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return []
        try:
            return _tail(fd, os.lseek(fd, 0, os.SEEK_END), most)
        finally:
            os.close(fd)

    def hold(self, key: str, wait: float) -> "HeldList":
        """The list's file, open and locked until the holder lets go (`close`); SessionBusy
        when another holder keeps it longer than `wait` seconds, StoreUnavailable when the
        folder refuses it."""
        try:
            held = open_locked(self._path(key), os.O_RDWR | os.O_APPEND | os.O_CREAT
                               | os.O_CLOEXEC, time.monotonic() + wait)
        except OSError as exc:
            raise StoreUnavailable("the session folder refused a list: %s" % exc) from None
        if held is None:
            raise SessionBusy()
        fd, opened = held
        return HeldList(self, key, fd, opened.st_size)

    def remove(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path(key))

    def sweep(self, is_gone: Callable[[str], bool]) -> None:
        """Remove the lists whose key `is_gone` says has no session any more."""
        for entry in os.scandir(self.folder):
            if is_gone(entry.name):
                self.remove(entry.name)

    def _trim(self, key: str, most: int, kept: list[bytes] | None = None) -> None:
        kept = self.read(key, most) if kept is None else kept
        fd, scratch = tempfile.mkstemp(dir=self.folder, prefix=".trim-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"".join(line + b"\n" for line in kept))
        os.replace(scratch, self._path(key))


class HeldList:
    """A list's file held open under its flock: read its newest values, append, then let go
    (`close`): the store lets go once the events' webhook deliveries are handed over, so that
    one process hands them over in their order."""

    def __init__(self, lists: FileLists, key: str, fd: int, size: int) -> None:
        self.lists, self.key, self.fd, self.size = lists, key, fd, size

    def read(self, most: int) -> list[bytes]:
        return _tail(self.fd, self.size, most)

    def append(self, values: Sequence[bytes | str], most: int) -> None:
        lines = b"".join(_line(value) for value in values)
        try:
            self.size += _write_all(self.fd, _after_whole_lines(self.fd, self.size, lines))
            if self.size > 2 * most * LINE_BYTES:
                with contextlib.suppress(OSError):  # kept whole until the next append trims it
                    self.lists._trim(self.key, most, self.read(most))
        except OSError as exc:
            raise StoreUnavailable("the session folder refused a write: %s" % exc) from None

    def close(self) -> None:
        """Let go of the list (once; again does nothing)."""
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)


def _after_whole_lines(fd: int, size: int, lines: bytes) -> bytes:
    """`lines` as they are appended to a file of `size` bytes: after a newline when its last
    line was cut (a write the disk took part of), which the first of them would otherwise run
    into: that line would then read with the cut line's number prefix, and the next event be
    given the number of the event it swallowed again."""
    if size and os.pread(fd, 1, size - 1) != b"\n":
        return b"\n" + lines
    return lines


def _write_all(fd: int, data: bytes) -> int:
    written = 0
    while written < len(data):  # a full disk may take part of it: OSError next
        written += os.write(fd, data[written:])
    return written


def _tail(fd: int, size: int, most: int) -> list[bytes]:
    """The last `most` lines of the first `size` bytes of a file, oldest first. Read from the
    end: numbering an event reads the newest only, in a file of up to 2 × `most`."""
    start, tail, block = size, b"", LINE_BYTES * 4
    # One newline more than values wanted: the line before them may be cut.
    while start > 0 and tail.count(b"\n") <= most:
        block = min(block * 2, start)
        start -= block
        tail = _read_at(fd, block, start) + tail
    lines = tail.splitlines()
    return lines[-most:] if start == 0 else lines[1:][-most:]


def _read_at(fd: int, size: int, offset: int) -> bytes:
    """`size` bytes at `offset`, which a regular file gives whole unless it ends first."""
    parts = []
    while size > 0 and (part := os.pread(fd, size, offset)):
        parts.append(part)
        size, offset = size - len(part), offset + len(part)
    return b"".join(parts)


def _line(value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    if b"\n" in data:  # sealed values are base64: a newline would be a bug, never silently split
        raise ValueError("a list value holds a newline")
    return data + b"\n"
