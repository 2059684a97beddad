"""gunicorn's settings for the Procfile's web line, read once by the master process at start.

The app's settings are checked here too, so a bad one stops the service with one line naming
the variable, before any worker boots (a worker failing to boot would be restarted forever).
"""
import sys

from widget.config import SettingError, settle_settings, settings_from_env

try:
    _settings = settings_from_env()
    settle_settings(_settings)
except SettingError as exc:
    sys.exit(f"passerelle: bad setting {exc}")

bind = f"0.0.0.0:{_settings['PORT']}"
# Threads, because a widget request waits on the upstream API most of its time.
worker_class = "gthread"
workers = _settings["WEB_CONCURRENCY"]
threads = _settings["WEB_THREADS"]
timeout = 60
# Proxy headers are trusted by the app only as `TRUSTED_PROXIES` says, never by gunicorn's
# own guess (it would trust any local peer).
forwarded_allow_ips = ""
# No access log: widget URLs carry session ids. Errors go to stderr, where a PaaS collects them.
errorlog = "-"
