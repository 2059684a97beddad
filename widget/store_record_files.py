"""cachelib's FileSystemCache, its records read with the OS's calls rather than Python's files.

Every widget request reads its session's record (and the store's `exists` reads its first four
bytes): through `open()`, each read cost a buffered file object and six system calls (open,
fstat, an isatty ioctl, lseek, read, close), where open, read and close are enough. Same files,
same format as cachelib writes them (a 4-byte expiry, then a pickle). A record is written as
cachelib does (a new file renamed over the old one, so that a reader or a crash never meets
half of one), without its extra calls: its existence checked before, a chmod and a stat after
(with no threshold, cachelib counts no files). A record read past its expiry is removed there
and then, as the sweep would remove it.
"""
import contextlib
import logging
import os
import pickle
import struct
import threading
import time
from typing import Any

from cachelib.file import FileSystemCache

# Records are a few kilobytes: one read takes a whole one.
READ_BLOCK = 1 << 16
EXPIRY = struct.Struct("I")  # cachelib's header: when the record expires, 0 for never
logger = logging.getLogger(__name__)


def read_whole(path: str, most: int | None = None) -> bytes:
    """The file's bytes (at most `most` of them); FileNotFoundError when it is missing."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks, left = [], READ_BLOCK if most is None else most
        # Until the end: a read may be short before it on some file systems (a network one),
        # and a record read cut short would read as missing, its session as expired.
        while left > 0 and (chunk := os.read(fd, min(left, READ_BLOCK))):
            chunks.append(chunk)
            if most is not None:
                left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class RecordFiles(FileSystemCache):
    """`get` and `has` as cachelib's, on the same files, with fewer calls to the OS."""

    def _header(self, data: bytes, filename: str) -> bool | None:
        """Whether the record is live (None: not a record cachelib wrote, as cachelib says)."""
        try:
            expires: int = EXPIRY.unpack_from(data)[0]
        except struct.error:
            logger.warning("Exception raised while handling cache file '%s'", filename)
            return None
        return expires == 0 or expires >= time.time()

    def get(self, key: str) -> Any:
        filename = self._get_filename(key)
        try:
            data = read_whole(filename)
        except FileNotFoundError:
            return None
        except OSError:
            logger.warning("Exception raised while handling cache file '%s'", filename,
                           exc_info=True)
            return None
        live = self._header(data, filename)
        if not live:
            if live is False:
                _remove_expired(filename)
            return None
        try:
            return pickle.loads(memoryview(data)[EXPIRY.size:])
        except Exception:  # whatever a damaged file makes pickle raise: missing, never a 500
            logger.warning("Exception raised while handling cache file '%s'", filename,
                           exc_info=True)
            return None

    def has(self, key: str) -> bool:
        filename = self._get_filename(key)
        try:
            data = read_whole(filename, EXPIRY.size)
        except FileNotFoundError:
            return False
        except OSError:
            logger.warning("Exception raised while handling cache file '%s'", filename,
                           exc_info=True)
            return False
        live = self._header(data, filename)
        if live is False:
            _remove_expired(filename)
        return bool(live)

    def present(self, key: str) -> bool:
        """Whether the record's file is there, expired or not (one stat)."""
        filename = self._get_filename(key)
        try:
            os.stat(filename)
        except FileNotFoundError:
            return False
        except OSError:  # as `has` says it: the session then reads as unknown, not silently
            logger.warning("Exception raised while handling cache file '%s'", filename,
                           exc_info=True)
            return False
        return True

    def set(self, key: str, value: Any, timeout: Any = None, mgmt_element: bool = False) -> bool:
        if self._threshold != 0 or mgmt_element:  # cachelib's bookkeeping: its own way
            return bool(super().set(key, value, timeout, mgmt_element))
        filename = self._get_filename(key)
        data = EXPIRY.pack(self._normalize_timeout(timeout)) + pickle.dumps(
            value, pickle.HIGHEST_PROTOCOL)
        # Named for its thread, which writes one file at a time; cachelib's suffix, which the
        # store's sweep removes when a crash left it behind.
        scratch = "%s.%d-%d%s" % (filename, os.getpid(), threading.get_ident(),
                                  self._fs_transaction_suffix)
        try:
            fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
                         self._mode or 0o600)
            try:
                written = 0
                while written < len(data):
                    written += os.write(fd, data[written:])
            finally:
                os.close(fd)
            os.replace(scratch, filename)
        except OSError:
            logger.warning("Exception raised while handling cache file '%s'", filename,
                           exc_info=True)
            with contextlib.suppress(OSError):
                os.remove(scratch)
            return False
        return True


def _remove_expired(filename: str) -> None:
    """A record read past its own expiry goes now, as the sweep would remove it: a widget
    session's tokens are not left on disk until the next sweep once a request has seen them
    expired. (The store writes a record only while it lives, so no newer one is removed.)"""
    with contextlib.suppress(OSError):
        os.remove(filename)
