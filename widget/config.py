"""Settings, read from environment variables (every one is listed in README.md)."""
import json
import os


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_json(name, default):
    value = os.environ.get(name)
    return json.loads(value) if value else default


class Config:
    """Defaults for every setting; `create_app(test_config)` overrides them in tests."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    API_BASE_URL = os.environ.get("API_BASE_URL")
    AUTH_BASE_URL = os.environ.get("AUTH_BASE_URL")
    # The embedded sandbox runs when no upstream is configured, or when asked for explicitly.
    SANDBOX = _env_bool("SANDBOX", default=not (API_BASE_URL or AUTH_BASE_URL))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    REDIS_URL = os.environ.get("REDIS_URL")
    WIDGET_CLIENTS = _env_json("WIDGET_CLIENTS", {})
    WIDGET_SESSION_LIFETIME = int(os.environ.get("WIDGET_SESSION_LIFETIME", "3600"))
    UPSTREAM_CONNECT_TIMEOUT = float(os.environ.get("UPSTREAM_CONNECT_TIMEOUT", "3.05"))
    UPSTREAM_READ_TIMEOUT = float(os.environ.get("UPSTREAM_READ_TIMEOUT", "15"))
    CLIENT_CHECK_CACHE_SECONDS = int(os.environ.get("CLIENT_CHECK_CACHE_SECONDS", "60"))
    USER_INPUT_WAIT_SECONDS = float(os.environ.get("USER_INPUT_WAIT_SECONDS", "30"))
    LANGUAGES = ("fr", "en")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations"
    )
    MAX_CONTENT_LENGTH = 64 * 1024
