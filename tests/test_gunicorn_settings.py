"""gunicorn.conf.py's hooks, run as gunicorn runs them (its settings are read from the environment
once, by the master process)."""
import gc
import os
import runpy

from widget.config import ROOT


def test_a_worker_that_loaded_the_app_freezes_what_it_made():
    settings = runpy.run_path(os.path.join(ROOT, "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        settings["post_worker_init"](worker=None)
        # The test process's own objects: modules, the tests collected, this one's frames.
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
