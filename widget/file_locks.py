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


def is_current(fd: int, path: str) -> bool:
    """True while `path` still names the file `fd` has open (the sweep may have removed it)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False
