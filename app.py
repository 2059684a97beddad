"""WSGI entry point: `flask --app app run` or `gunicorn app:app` (see the Procfile)."""
import sys

from widget import create_app
from widget.config import SettingError

try:
    app = create_app()
except SettingError as exc:
    sys.exit(f"passerelle: bad setting {exc}")
