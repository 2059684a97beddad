"""RecordFiles reads cachelib's files as cachelib does: the same answer for every file."""
import logging
import os
import stat
import struct
import time

import pytest
from cachelib.file import FileSystemCache
from cryptography.fernet import Fernet

from widget.encryption import RecordCipher
from widget.store import WidgetSessionStore
from widget.store_files import FileBackend, KeyAsName
from widget.store_keys import live_key, stored_name
from widget import store_record_files
from widget.store_record_files import READ_BLOCK, RecordFiles


@pytest.fixture
def caches(tmp_path):
    """(ours, cachelib's), on one folder."""
    options = {"threshold": 0, "mode": 0o600, "hash_method": KeyAsName}
    return RecordFiles(str(tmp_path), **options), FileSystemCache(str(tmp_path), **options)


def overwrite(cache, key, data):
    with open(cache._get_filename(key), "wb") as fh:
        fh.write(data)


@pytest.mark.parametrize("value", [
    b"sealed record", "text", b"", b"x" * (3 * READ_BLOCK + 17), {"a": [1, 2]},
], ids=["bytes", "text", "empty", "over a read's block", "a dict"])
def test_what_cachelib_wrote_is_read_whole(caches, value):
    ours, theirs = caches
    assert theirs.set("widget:k", value, timeout=60)
    assert ours.get("widget:k") == value
    assert ours.has("widget:k")


FILES = {  # made when the test runs: an expiry is a time
    "expired": lambda: struct.pack("I", int(time.time()) - 5) + b"\x80\x04\x95",
    "empty": lambda: b"",
    "header cut short": lambda: b"\x01\x02",
    "not a pickle": lambda: struct.pack("I", 0) + b"not a pickle",
    "a pickle cut short": lambda: struct.pack("I", 0) + b"\x80\x04\x95\x10\x00",
}


@pytest.mark.parametrize("name", list(FILES))
def test_a_file_that_is_no_live_record_reads_as_missing_as_with_cachelib(caches, name):
    ours, theirs = caches
    overwrite(ours, "widget:k", FILES[name]())
    assert ours.get("widget:k") is None and theirs.get("widget:k") is None
    assert ours.has("widget:k") is theirs.has("widget:k") is (name in (
        "not a pickle", "a pickle cut short"))  # cachelib's `has` reads the header alone


def test_a_record_that_never_expires(caches):
    ours, theirs = caches
    assert theirs.set("widget:k", b"v", timeout=0)
    assert ours.get("widget:k") == b"v" and ours.has("widget:k")


def test_a_missing_record(caches):
    ours, _ = caches
    assert ours.get("widget:nothing") is None
    assert not ours.has("widget:nothing")


def test_a_record_that_cannot_be_read_is_missing_and_said(caches, caplog):
    ours, theirs = caches
    assert theirs.set("widget:k", b"v", timeout=60)
    os.remove(ours._get_filename("widget:k"))
    os.mkdir(ours._get_filename("widget:k"))  # a folder where the file was: reading it fails
    with caplog.at_level(logging.WARNING):
        assert ours.get("widget:k") is None
        assert not ours.has("widget:k")
    assert len([r for r in caplog.records if "cache file" in r.getMessage()]) == 2


def test_lock_files_are_the_service_s_alone(tmp_path):
    backend = FileBackend(str(tmp_path), live_key=lambda session_id: "widget:" + session_id)
    with backend.lock("abc"):
        mode = os.stat(os.path.join(backend.locks, "abc.lock")).st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_reads_cut_short_before_the_end_still_read_the_whole_record(caches, monkeypatch):
    """As a network file system may answer: a record read in pieces is read whole, not as
    missing (its session would read as expired)."""
    ours, theirs = caches
    value = bytes(range(256)) * 40
    assert theirs.set("widget:k", value, timeout=60)
    real_read = os.read
    monkeypatch.setattr(store_record_files.os, "read", lambda fd, n: real_read(fd, min(n, 100)))
    assert ours.get("widget:k") == value
    assert ours.has("widget:k")


def test_whatever_a_damaged_record_makes_pickle_raise_reads_as_missing(caches, caplog):
    ours, _ = caches
    # A class of a module that does not exist: pickle raises ModuleNotFoundError, not an
    # UnpicklingError (which cachelib's own reads let through as a 500).
    overwrite(ours, "widget:k", struct.pack("I", 0) + b"\x80\x04cno_such_module_here\nthing\n.")
    with caplog.at_level(logging.WARNING):
        assert ours.get("widget:k") is None
    assert any("cache file" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("timeout", [60, 0, 3600 * 24])
def test_what_we_write_cachelib_reads_with_the_same_expiry(caches, timeout):
    ours, theirs = caches
    assert ours.set("widget:ours", b"sealed", timeout=timeout)
    assert theirs.set("widget:theirs", b"sealed", timeout=timeout)
    assert theirs.get("widget:ours") == b"sealed" and theirs.has("widget:ours")
    with open(ours._get_filename("widget:ours"), "rb") as mine, \
            open(ours._get_filename("widget:theirs"), "rb") as cachelib_s:
        expiry, expected = (struct.unpack("I", fh.read(4))[0] for fh in (mine, cachelib_s))
        assert mine.read() == cachelib_s.read()
    assert abs(expiry - expected) <= 1  # the same second, or the next
    assert (expiry == 0) is (timeout == 0)
    assert stat.S_IMODE(os.stat(ours._get_filename("widget:ours")).st_mode) == 0o600


def test_a_write_replaces_the_record_whole_and_leaves_no_scratch(caches, tmp_path):
    ours, _ = caches
    assert ours.set("widget:k", b"first" * 1000, timeout=60)
    assert ours.set("widget:k", b"second", timeout=60)
    assert ours.get("widget:k") == b"second"
    assert sorted(os.listdir(tmp_path)) == [os.path.basename(ours._get_filename("widget:k"))]


def test_a_write_that_fails_says_so_and_leaves_no_scratch(caches, tmp_path, caplog):
    ours, _ = caches
    os.mkdir(ours._get_filename("widget:k"))  # a folder where the record goes: no rename there
    with caplog.at_level(logging.WARNING):
        assert ours.set("widget:k", b"v", timeout=60) is False
    assert sorted(os.listdir(tmp_path)) == [os.path.basename(ours._get_filename("widget:k"))]
    assert any("cache file" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("read", ["get", "has"])
def test_a_record_read_past_its_expiry_is_removed_then(caches, read):
    """As the sweep would remove it: its session's tokens do not wait for the next sweep."""
    ours, _ = caches
    overwrite(ours, "widget:k", FILES["expired"]())
    assert not getattr(ours, read)("widget:k")
    assert not os.path.exists(ours._get_filename("widget:k"))


@pytest.mark.parametrize("name", ["header cut short", "not a pickle", "a pickle cut short"])
def test_a_damaged_record_is_left_for_the_sweep(caches, name):
    ours, _ = caches
    overwrite(ours, "widget:k", FILES[name]())
    ours.get("widget:k")
    ours.has("widget:k")
    assert os.path.exists(ours._get_filename("widget:k"))


@pytest.mark.parametrize("name", list(FILES))
def test_any_file_of_a_record_is_present_until_read(caches, name):
    """What the store checks before taking a session's lock: a file is there. Whether it is a
    live record is for the read under the lock to say (and an expired one goes then)."""
    ours, _ = caches
    assert not ours.present("widget:k")
    overwrite(ours, "widget:k", FILES[name]())
    assert ours.present("widget:k")
    assert ours.get("widget:k") is None
    assert ours.present("widget:k") is (name != "expired")


def test_the_store_locks_no_made_up_session_and_reads_an_expired_one_as_gone(tmp_path):
    backend = FileBackend(str(tmp_path), live_key)
    store = WidgetSessionStore(backend, RecordCipher([Fernet.generate_key()]))
    with store.transaction(store.new_id()) as data:
        assert data is None
    assert os.listdir(backend.locks) == []
    session_id = store.create({"expires_at_ts": time.time() + 60, "options": {}})
    assert backend.exists(live_key(session_id))
    overwrite(backend.cache, live_key(session_id), FILES["expired"]())
    assert backend.exists(live_key(session_id))  # until read
    with store.transaction(session_id) as data:
        assert data is None
    assert not backend.exists(live_key(session_id))
    assert os.listdir(backend.locks) == [stored_name(session_id) + ".lock"]


def test_a_record_file_that_cannot_be_looked_at_is_not_present_and_said(caches, caplog,
                                                                         monkeypatch):
    ours, _ = caches
    overwrite(ours, "widget:k", FILES["empty"]())

    record, real_stat = ours._get_filename("widget:k"), os.stat

    def refused(path, *args, **kwargs):  # os is every module's: only the record's is refused
        if path == record:
            raise PermissionError(13, "Permission denied", path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(store_record_files.os, "stat", refused)
    with caplog.at_level(logging.WARNING):
        assert not ours.present("widget:k")
    assert "Exception raised while handling cache file" in caplog.text
