"""The filesystem store's lists read from their end: the last values, whole, in order; and held
(open under their flock) by one request at a time, from its first event number to its append."""
import os
import threading
import time

import pytest

from widget.store import SessionBusy, StoreUnavailable
from widget.store_file_lists import LINE_BYTES, FileLists


@pytest.fixture
def lists(tmp_path):
    return FileLists(str(tmp_path / "lists"))


@pytest.mark.parametrize("count, size", [(1, 10), (3, 10), (40, 300), (25, 3 * LINE_BYTES),
                                         (7, 20 * LINE_BYTES), (200, 1)])
@pytest.mark.parametrize("most", [1, 2, 5, 39, 40, 41, 1000])
def test_the_last_values_whole_and_in_order(lists, count, size, most):
    # Values of varied lengths, so that blocks read from the end cut lines anywhere.
    values = [("%d:" % i).encode() + b"x" * (size + i % 7) for i in range(count)]
    lists.append("events", values, 10_000)
    assert lists.read("events", most) == values[-most:]


def test_a_list_that_does_not_exist_is_empty(lists):
    assert lists.read("missing", 1) == []


def test_a_value_cut_by_a_crash_is_read_as_it_is(lists):
    lists.append("events", [b"one", b"two"], 10)
    with open(lists._path("events"), "ab") as fh:
        fh.write(b"thr")  # a crash mid-append: the store's cipher will not open it
    assert lists.read("events", 1) == [b"thr"]
    assert lists.read("events", 3) == [b"one", b"two", b"thr"]


@pytest.mark.parametrize("held", [False, True])
def test_an_append_after_a_cut_line_starts_a_line_of_its_own(lists, held):
    """A write the disk took part of leaves a line without its end: the next value must not run
    into it (it would be read with the cut line's number prefix, and numbered after it again)."""
    lists.append("events", [b"1:one"], 10)
    with open(lists._path("events"), "ab") as fh:
        fh.write(b"2:tw")  # the disk was full
    if held:
        holder = lists.hold("events", 1)
        assert holder.read(1) == [b"2:tw"]
        holder.append([b"2:two", b"3:three"], 10)
        holder.close()
    else:
        lists.append("events", [b"2:two", b"3:three"], 10)
    assert lists.read("events", 10) == [b"1:one", b"2:tw", b"2:two", b"3:three"]
    lists.append("events", [b"4:four"], 10)  # whole lines: appended as they are
    with open(lists._path("events"), "rb") as fh:
        assert fh.read().count(b"\n") == 5


# Held lists: what a request holds from its first event number until it let go, after the append.

def test_a_held_list_reads_its_newest_values_appends_and_lets_go(lists):
    lists.append("events", [b"1:a", b"2:b"], 10)
    held = lists.hold("events", wait=1)
    assert held.read(1) == [b"2:b"] and held.read(5) == [b"1:a", b"2:b"]
    held.append([b"3:c"], 10)
    assert lists.read("events", 5) == [b"1:a", b"2:b", b"3:c"]
    with pytest.raises(SessionBusy):  # held until let go, after the append
        lists.hold("events", wait=0)
    held.close()
    lists.hold("events", wait=0).close()  # let go: another may hold it at once
    held.close()  # again: nothing


def test_a_list_held_is_made_when_missing(lists):
    held = lists.hold("new", wait=1)
    assert held.read(1) == []
    held.append([b"1:a"], 10)
    held.close()
    assert lists.read("new", 1) == [b"1:a"]


def second_holder(lists, append=None, most=10):
    """A thread that holds the list once it can, reads its newest value, appends `append` and
    lets go; (the thread, an Event set as it starts to wait, what it read)."""
    started, seen = threading.Event(), []

    def hold():
        started.set()
        held = lists.hold("events", wait=5)
        seen.append(held.read(1))
        if append:
            held.append(append, most)
        held.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert started.wait(5)
    return thread, seen


def test_a_second_holder_waits_for_the_first_to_let_go(lists):
    first = lists.hold("events", wait=1)
    thread, seen = second_holder(lists)
    time.sleep(0.05)  # the second waits on the flock meanwhile
    assert not seen
    first.append([b"1:a"], 10)
    first.close()
    thread.join(5)
    assert seen == [[b"1:a"]]


def test_a_holder_kept_too_long_makes_the_other_busy(lists):
    first = lists.hold("events", wait=1)
    with pytest.raises(SessionBusy):
        lists.hold("events", wait=0.02)
    first.close()
    lists.hold("events", wait=0).close()


def test_the_append_that_trims_lets_the_waiting_holder_find_the_new_file(lists):
    """The trim renames a new file over the one a waiting holder has open and waits on: that
    holder opens the new one, and appends where every reader reads."""
    most = 3
    lists.append("events", [b"x" * LINE_BYTES] * (2 * most), 10_000)  # one append from a trim
    first = lists.hold("events", wait=1)
    thread, seen = second_holder(lists, append=[b"after"], most=most)
    time.sleep(0.05)  # the second waits on the old file's flock meanwhile
    first.append([b"trims"], most)
    first.close()
    thread.join(5)
    assert seen == [[b"trims"]]  # read from the new file
    assert lists.read("events", 2) == [b"trims", b"after"]
    assert len(lists.read("events", 100)) == most + 1


def test_a_folder_that_refuses_the_list_is_unavailable(lists, monkeypatch):
    real_open = os.open

    def refused(path, *args, **kwargs):
        if path == lists._path("events"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(StoreUnavailable):
        lists.hold("events", wait=0)


def test_a_list_that_cannot_be_looked_at_is_unavailable_and_let_go(lists, monkeypatch):
    def refused(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fstat", refused)
    with pytest.raises(StoreUnavailable):
        lists.hold("events", wait=0)
    monkeypatch.undo()
    lists.hold("events", wait=0).close()  # not left held


def test_a_full_disk_during_the_append_is_unavailable(lists, monkeypatch):
    held = lists.hold("events", wait=1)

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreUnavailable):
        held.append([b"1:a"], 10)
    monkeypatch.undo()
    held.close()
    assert lists.read("events", 1) == []
