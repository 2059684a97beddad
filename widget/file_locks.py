"""flock helpers of the filesystem store: a session's lock file, and an events list held while a
request numbers and appends its events."""
import fcntl
import os
import time
from typing import Any


def try_flock(fh: Any) -> bool:
    """Lock a file (a file object or a descriptor) unless another holder has it."""
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def flock_by(fd: int, deadline: float) -> bool:
    """Lock `fd`, waiting in growing naps until `deadline` (time.monotonic()); False if another
    holder keeps it that long."""
    pause = 0.005
    while not try_flock(fd):
        if time.monotonic() + pause > deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    return True


def open_locked(path: str, flags: int, deadline: float) -> tuple[int, os.stat_result] | None:
    """The file at `path` opened with `flags` and flocked (its descriptor, and its stat as
    opened); a file removed or replaced between the open and the flock (the sweep, a list's
    trim) is let go and the one now at `path` opened instead. None when another holder keeps
    it past `deadline`. OSError as the OS gives it."""
    while True:
        fd = os.open(path, flags, 0o600)
        try:
            locked = flock_by(fd, deadline)
            opened = os.fstat(fd) if locked else None
            current = opened is not None and _names(path, opened)
        except BaseException:
            os.close(fd)
            raise
        if current and opened is not None:
            return fd, opened
        os.close(fd)
        if not locked:
            return None


def is_current(fd: int, path: str) -> bool:
    """True while `path` still names the file `fd` has open (the sweep may have removed it)."""
    return _names(path, os.fstat(fd))


def _names(path: str, opened: os.stat_result) -> bool:
    try:
        return os.path.samestat(opened, os.stat(path))
    except FileNotFoundError:
        return False
