"""The generated SECRET_KEY: one per instance folder, whole, whichever worker writes it."""
import multiprocessing
import os

from widget import _instance_secret_key


def _key_of(folder, queue):
    queue.put(_instance_secret_key(folder))


def test_workers_starting_together_share_one_whole_key(tmp_path):
    for attempt in range(5):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        queue = multiprocessing.get_context("fork").Queue()
        workers = [multiprocessing.get_context("fork").Process(target=_key_of, args=(str(folder), queue))
                   for _ in range(8)]
        for worker in workers:
            worker.start()
        keys = [queue.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join()
        assert len(set(keys)) == 1 and len(keys[0]) == 64, keys
        assert os.listdir(folder) == ["secret_key"]  # no draft left behind


def test_an_existing_key_is_kept(tmp_path):
    (tmp_path / "secret_key").write_text("a" * 64 + "\n")
    assert _instance_secret_key(str(tmp_path)) == "a" * 64
