"""gunicorn's settings for the Procfile's web line, read once by the master process at start.

The app's settings are checked here too, so a bad one stops the service with one line naming
the variable, before any worker boots (a worker failing to boot would be restarted forever).
"""
import gc
import sys

from widget.config import SettingError, settle_settings, settings_from_env

try:
    _settings = settings_from_env()
    settle_settings(_settings)
except SettingError as exc:
    sys.exit(f"passerelle: bad setting {exc}")

bind = f"0.0.0.0:{_settings['PORT']}"
# Threads, because a widget request waits on the upstream API most of its time; gthread's, except
# that a new connection goes first to a worker with a thread free (widget/balanced_worker.py).
worker_class = "widget.balanced_worker.BalancedThreadWorker"
workers = _settings["WEB_CONCURRENCY"]
threads = _settings["WEB_THREADS"]
timeout = 60
# Proxy headers are trusted by the app only as `TRUSTED_PROXIES` says, never by gunicorn's
# own guess (it would trust any local peer).
forwarded_allow_ips = ""
# No access log: widget URLs carry session ids. Errors go to stderr, where a PaaS collects them.
errorlog = "-"


def post_worker_init(worker):
    """The app is loaded: what it made is there for the worker's life, so out of the collector's
    way. Each full collection walked all of it (about 80,000 objects: 36-47 ms on a 2-core
    machine, during which the worker answers no request); frozen, a few hundred. A frozen object
    is still freed when its last reference goes; only a cycle of them dropped later would stay."""
    gc.collect()  # what is garbage already would never be collected once frozen
    gc.freeze()
