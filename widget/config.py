"""Settings, read from environment variables and checked at start-up (README.md lists each one).

A bad value stops the service with one line naming the variable (`SettingError`), never a
traceback from deep inside a request an hour later.
"""
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit
from typing import Any, Callable

from widget.bank_list import origin_of
from widget.redirect_urls import browser_url
from widget.encryption import SEALINGS
from widget.setting_values import (SettingError, base_url, fernet_keys, flag, http_url_problem,
                                   json_object, number, one_of, origins, provider_statuses,
                                   rate, redis_url, text)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANGUAGES = ("fr", "en", "de", "es", "it", "nl", "pt")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
FAULTS = ("500", "timeout", "drop", "late", "lost", "slow")
# A configured fault, optionally for the next N matching requests only: `lost`, `lost:1`.
FAULT_SPEC = re.compile(r"(%s)(?::([1-9][0-9]{0,5}))?" % "|".join(FAULTS))


def _language(name, raw):
    if raw.strip().lower() not in LANGUAGES:
        raise SettingError(name, f"unknown language {raw!r}; one of {', '.join(LANGUAGES)}")
    return raw.strip().lower()


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str, str], Any]
    default: Any = None


SETTINGS = (
    Setting("SECRET_KEY", text),
    Setting("API_BASE_URL", base_url),
    Setting("AUTH_BASE_URL", base_url),
    Setting("SANDBOX", flag),  # default: on when neither upstream URL is set
    Setting("PUBLIC_BASE_URL", base_url),
    Setting("LOGO_ORIGINS", origins),  # default: API_BASE_URL's origin
    Setting("TRUSTED_PROXIES", number(int, 0), 0),
    Setting("REDIS_URL", redis_url),
    Setting("REDIS_TLS_VERIFY", flag, True),
    Setting("SESSION_ENCRYPTION_KEYS", fernet_keys),  # default: derived, sandbox only
    Setting("SESSION_SEALING", one_of(*SEALINGS), SEALINGS[0]),
    Setting("INSTANCE_PATH", text),
    Setting("WIDGET_CLIENTS", json_object, {}),
    Setting("WIDGET_SESSION_LIFETIME", number(int, 60), 3600),
    Setting("DEFAULT_LANGUAGE", _language, "fr"),
    Setting("UPSTREAM_CONNECT_TIMEOUT", number(float, 0.01), 3.05),
    Setting("UPSTREAM_READ_TIMEOUT", number(float, 0.01), 15.0),
    Setting("CLIENT_CHECK_CACHE_SECONDS", number(int, 0), 60),
    Setting("PROVIDER_CACHE_SECONDS", number(float, 0), 60.0),
    Setting("USER_INPUT_WAIT_SECONDS", number(float, 0), 30.0),
    Setting("READY_CACHE_SECONDS", number(float, 0), 5.0),
    Setting("SESSION_LOCK_SECONDS", number(float, 1), 10.0),
    Setting("SESSION_LOCK_WAIT_SECONDS", number(float, 0), 2.0),
    Setting("WEBHOOK_TIMEOUT_SECONDS", number(float, 0.1), 10.0),
    Setting("WEBHOOK_RETRY_BASE_SECONDS", number(float, 0.01), 10.0),
    Setting("PORT", number(int, 1), 5000),
    Setting("WEB_CONCURRENCY", number(int, 1), 2),
    Setting("WEB_THREADS", number(int, 1), 8),
    Setting("RATELIMIT_ENABLED", flag, True),
    Setting("LIMIT_SESSIONS_PER_CLIENT", rate, "300 per minute"),
    Setting("LIMIT_SESSIONS_PER_IP", rate, "300 per minute"),
    Setting("LIMIT_FAILED_AUTH_PER_IP", rate, "10 per minute"),
    Setting("LIMIT_WIDGET_POSTS_PER_SESSION", rate, "60 per minute"),
    Setting("LIMIT_CHALLENGE_ANSWERS", rate, "5 per hour"),  # wrong answers, per session
    Setting("LIMIT_SANDBOX_TOKEN_PER_IP", rate, "600 per minute"),
    Setting("LIMIT_SANDBOX_USERS_PER_IP", rate, "60 per minute"),
    Setting("SANDBOX_DATABASE", text),  # default: instance/sandbox.sqlite3
    Setting("SANDBOX_ACCESS_TOKEN_TTL", number(int, 1), 3600),
    Setting("SANDBOX_REFRESH_REUSE_SECONDS", number(float, 0), 60),
    Setting("SANDBOX_SYNC_SECONDS", number(float, 0), 3),
    Setting("SANDBOX_SLOW_SYNC_SECONDS", number(float, 0), 10),
    Setting("SANDBOX_APP_VALIDATION_DELAY", number(float, 0), 5),
    Setting("SANDBOX_SCA_VALIDITY", number(float, 0), 300),
    Setting("SANDBOX_FAULT_INJECTION", flag, False),
    Setting("SANDBOX_WEBHOOKS", flag, True),
    Setting("SANDBOX_FAULTS", json_object, {}),
    Setting("SANDBOX_FAULT_TIMEOUT_SECONDS", number(float, 0), 20),
    Setting("SANDBOX_PASSWORD_HASH_METHOD", text, "scrypt"),
    Setting("SANDBOX_PROVIDER_STATUS", provider_statuses, {}),
)


def settings_from_env(environ=None):
    """Every setting from `environ` (default: the process's), parsed; unset ones take defaults."""
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = environ.get(setting.name)
        if raw is None or raw.strip() == "":  # an empty variable counts as unset
            values[setting.name] = setting.default
        else:
            values[setting.name] = setting.parse(setting.name, raw)
    return values


def settle_settings(config):
    """Fill the defaults that depend on other settings, then refuse what cannot work.

    Takes the environment's settings merged with a test's own (so it checks those too).
    """
    if config.get("SANDBOX") is None:
        # The embedded sandbox runs when no upstream is configured, or when asked for.
        config["SANDBOX"] = not (config.get("API_BASE_URL") or config.get("AUTH_BASE_URL"))
    if not config["SANDBOX"]:
        for name in ("API_BASE_URL", "AUTH_BASE_URL", "PUBLIC_BASE_URL"):
            if not config.get(name):
                raise SettingError(name, "required when the sandbox is off (SANDBOX=0)")
    keys = config.get("SESSION_ENCRYPTION_KEYS")
    if isinstance(keys, str):  # a test's own config, written as the variable would be
        config["SESSION_ENCRYPTION_KEYS"] = keys = fernet_keys("SESSION_ENCRYPTION_KEYS", keys)
    if config.get("SESSION_SEALING", SEALINGS[0]) not in SEALINGS:  # a test's own config
        raise SettingError("SESSION_SEALING", "expected " + " or ".join(SEALINGS))
    if not config["SANDBOX"] and not keys:
        # A key derived from SECRET_KEY would leave one secret guarding both cookies and records.
        raise SettingError("SESSION_ENCRYPTION_KEYS", "required when the sandbox is off "
                                                      "(SANDBOX=0): comma-separated Fernet keys")
    if config.get("LOGO_ORIGINS") is None:
        # Where an aggregator's API serves its banks' logos, most likely (the sandbox's are
        # on the widget's own origin).
        api = config.get("API_BASE_URL")
        config["LOGO_ORIGINS"] = [origin_of(api)] if api else []
    elif isinstance(config["LOGO_ORIGINS"], str):  # a test's own config, as the variable
        config["LOGO_ORIGINS"] = origins("LOGO_ORIGINS", config["LOGO_ORIGINS"])
    _check_clients(config.get("WIDGET_CLIENTS"))
    if isinstance(config.get("SANDBOX_PROVIDER_STATUS"), str):  # a test's own, as the variable
        config["SANDBOX_PROVIDER_STATUS"] = provider_statuses(
            "SANDBOX_PROVIDER_STATUS", config["SANDBOX_PROVIDER_STATUS"])
    faults = config.get("SANDBOX_FAULTS")
    if not isinstance(faults, dict) or not all(
            isinstance(path, str) and path.startswith("/sandbox/")
            and FAULT_SPEC.fullmatch(str(fault).lower()) for path, fault in faults.items()):
        raise SettingError("SANDBOX_FAULTS", "expected {\"/sandbox/<path prefix>\": "
                                             "\"500\" | \"timeout\" | \"drop\" | \"late\" | "
                                             "\"lost\" | \"slow\"}, a kind optionally followed by :<times>")


def _check_clients(clients):
    name = "WIDGET_CLIENTS"
    if not isinstance(clients, dict):
        raise SettingError(name, 'expected a JSON object {"<client_id>": {"redirect_urls": '
                                 '[...], "frame_ancestors": [...]}}')
    for client_id, entry in clients.items():
        if not client_id or not isinstance(entry, dict):
            raise SettingError(name, f"client {client_id!r}: expected an object")
        unknown = set(entry) - {"redirect_urls", "frame_ancestors", "webhook_url",
                                "webhook_secret"}
        if unknown:
            raise SettingError(name, f"client {client_id!r}: unknown key {sorted(unknown)[0]!r}")
        for key in ("redirect_urls", "frame_ancestors"):
            urls = entry.get(key, [])
            if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
                raise SettingError(name, f"client {client_id!r}: {key} must be a list of URLs")
        for url in entry.get("redirect_urls", []):
            if http_url_problem(url):
                raise SettingError(name, f"client {client_id!r}: redirect URL {url!r} "
                                         f"{http_url_problem(url)}")
            if browser_url(url) is None:
                raise SettingError(name, f"client {client_id!r}: redirect URL {url!r} must be a "
                                         "plain URL (no userinfo, backslash, %2f, %5c or %25)")
        _check_webhook(client_id, entry)
        for origin in entry.get("frame_ancestors", []):
            if any(ch.isspace() or ch in ";,'\"" for ch in origin) or "://" not in origin:
                raise SettingError(name, f"client {client_id!r}: frame ancestor {origin!r} "
                                         "must be an origin such as https://app.example.com")


def _check_webhook(client_id, entry):
    name = "WIDGET_CLIENTS"
    url, secret = entry.get("webhook_url"), entry.get("webhook_secret")
    if url is None and secret is None:
        return
    if url is None or secret is None:
        raise SettingError(name, f"client {client_id!r}: webhook_url and webhook_secret go "
                                 "together")
    problem = http_url_problem(url) if isinstance(url, str) else "must be a URL"
    if not problem and urlsplit(url).scheme != "https" and \
            urlsplit(url).hostname not in LOOPBACK_HOSTS:
        problem = "must be https (http only on localhost, 127.0.0.1 or ::1)"
    if problem:
        raise SettingError(name, f"client {client_id!r}: webhook URL {url!r} {problem}")
    if not isinstance(secret, str) or len(secret) < 32:
        raise SettingError(name, f"client {client_id!r}: webhook_secret must be a string of at "
                                 "least 32 characters")


class Config:
    """Fixed settings; the variable ones come from `settings_from_env()` in `create_app`."""

    LANGUAGES = LANGUAGES
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(ROOT, "translations")
    MAX_CONTENT_LENGTH = 64 * 1024
