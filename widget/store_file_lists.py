"""The filesystem store's lists (a session's events): one file per list, a sealed value a line.

Appends happen under the session's lock (the store writes a session's records and lists
together), so two writers never append to one file at once. A file keeps at most twice its
bound of lines: past that, it is rewritten with the newest `most` lines, atomically.
"""
import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence

from widget.store import StoreUnavailable

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
            fd = os.open(self._path(key), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC,
                         0o600)
            try:
                written = 0
                while written < len(lines):  # a full disk may take part of it: OSError next
                    written += os.write(fd, lines[written:])
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
            start = os.lseek(fd, 0, os.SEEK_END)
            tail, block = b"", LINE_BYTES * 4
            # One newline more than values wanted: the line before them may be cut.
            while start > 0 and tail.count(b"\n") <= most:
                block = min(block * 2, start)
                start -= block
                tail = _read_at(fd, block, start) + tail
        finally:
            os.close(fd)
        lines = tail.splitlines()
        return lines[-most:] if start == 0 else lines[1:][-most:]

    def remove(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path(key))

    def sweep(self, is_gone: Callable[[str], bool]) -> None:
        """Remove the lists whose key `is_gone` says has no session any more."""
        for entry in os.scandir(self.folder):
            if is_gone(entry.name):
                self.remove(entry.name)

    def _trim(self, key: str, most: int) -> None:
        kept = self.read(key, most)
        fd, scratch = tempfile.mkstemp(dir=self.folder, prefix=".trim-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"".join(line + b"\n" for line in kept))
        os.replace(scratch, self._path(key))


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
