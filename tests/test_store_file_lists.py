"""The filesystem store's lists read from their end: the last values, whole, in order."""
import pytest

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
