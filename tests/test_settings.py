"""Every setting comes from the environment, is documented, and a bad one is named at start-up."""
import logging
import os
import re

import pytest

from widget import create_app
from widget.config import SETTINGS, SettingError, settle_settings, settings_from_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UPSTREAM = {"API_BASE_URL": "https://api.example.com/v2.1",
            "AUTH_BASE_URL": "https://auth.example.com",
            "PUBLIC_BASE_URL": "https://widget.example.com",
            "SESSION_ENCRYPTION_KEYS": "Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w="}
NEW_KEY = "e_ylTNEpHTFxAzK1sdP4RbVGmM1fPAeoIBYfqXDFAYQ="
OLD_KEY = UPSTREAM["SESSION_ENCRYPTION_KEYS"]

# One value per setting that differs from its default, and what the app reads from it.
SAMPLES = {
    "SECRET_KEY": ("s3cret", "s3cret"),
    "WEBHOOK_TIMEOUT_SECONDS": ("4.5", 4.5),
    "WEBHOOK_RETRY_BASE_SECONDS": ("30", 30.0),
    "SANDBOX_WEBHOOKS": ("0", False),
    "API_BASE_URL": ("https://api.example.com/v2.1/", "https://api.example.com/v2.1"),
    "AUTH_BASE_URL": ("https://auth.example.com", "https://auth.example.com"),
    "SANDBOX": ("1", True),
    "PUBLIC_BASE_URL": ("https://widget.example.com/", "https://widget.example.com"),
    "LOGO_ORIGINS": ("https://cdn.example.com, http://Localhost:8080/",
                     ["https://cdn.example.com", "http://localhost:8080"]),
    "TRUSTED_PROXIES": ("1", 1),
    "REDIS_URL": ("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
    "REDIS_TLS_VERIFY": ("0", False),
    "SESSION_ENCRYPTION_KEYS": (f" {NEW_KEY}, {OLD_KEY}", [NEW_KEY, OLD_KEY]),
    "SESSION_SEALING": (" Fernet ", "fernet"),
    "INSTANCE_PATH": ("/srv/passerelle", "/srv/passerelle"),
    "WIDGET_CLIENTS": ('{"acme": {"redirect_urls": ["https://app.acme.example/r"]}}',
                       {"acme": {"redirect_urls": ["https://app.acme.example/r"]}}),
    "WIDGET_SESSION_LIFETIME": ("600", 600),
    "DEFAULT_LANGUAGE": ("EN", "en"),
    "UPSTREAM_CONNECT_TIMEOUT": ("1.5", 1.5),
    "UPSTREAM_READ_TIMEOUT": ("30", 30.0),
    "CLIENT_CHECK_CACHE_SECONDS": ("5", 5),
    "PROVIDER_CACHE_SECONDS": ("2.5", 2.5),
    "USER_INPUT_WAIT_SECONDS": ("12", 12.0),
    "READY_CACHE_SECONDS": ("1", 1.0),
    "SESSION_LOCK_SECONDS": ("30", 30.0),
    "SESSION_LOCK_WAIT_SECONDS": ("0.5", 0.5),
    "PORT": ("8080", 8080),
    "WEB_CONCURRENCY": ("4", 4),
    "WEB_THREADS": ("16", 16),
    "SANDBOX_DATABASE": ("/tmp/s.sqlite3", "/tmp/s.sqlite3"),
    "RATELIMIT_ENABLED": ("0", False),
    "LIMIT_SESSIONS_PER_CLIENT": ("30 per minute", "30 per minute"),
    "LIMIT_SESSIONS_PER_IP": ("100/hour", "100/hour"),
    "LIMIT_FAILED_AUTH_PER_IP": (" 5 per minute ", "5 per minute"),
    "LIMIT_WIDGET_POSTS_PER_SESSION": ("10 per minute;100 per hour", "10 per minute;100 per hour"),
    "LIMIT_CHALLENGE_ANSWERS": ("3 per day", "3 per day"),
    "LIMIT_SANDBOX_TOKEN_PER_IP": ("10 per second", "10 per second"),
    "LIMIT_SANDBOX_USERS_PER_IP": ("1 per minute", "1 per minute"),
    "SANDBOX_ACCESS_TOKEN_TTL": ("60", 60),
    "SANDBOX_REFRESH_REUSE_SECONDS": ("0", 0.0),
    "SANDBOX_SYNC_SECONDS": ("1", 1.0),
    "SANDBOX_SLOW_SYNC_SECONDS": ("120", 120.0),
    "SANDBOX_APP_VALIDATION_DELAY": ("2", 2.0),
    "SANDBOX_SCA_VALIDITY": ("30", 30.0),
    "SANDBOX_FAULT_INJECTION": ("1", True),
    "SANDBOX_FAULTS": ('{"/sandbox/api/v2.1/providers": "500"}',
                       {"/sandbox/api/v2.1/providers": "500"}),
    "SANDBOX_FAULT_TIMEOUT_SECONDS": ("2", 2.0),
    "SANDBOX_PASSWORD_HASH_METHOD": ("pbkdf2:sha256:1000", "pbkdf2:sha256:1000"),
    "SANDBOX_PROVIDER_STATUS": ("12:DOWN, bank-014:degraded,down:UP",
                                {"12": "DOWN", "bank-014": "DEGRADED", "down": "UP"}),
}


def documented_variables():
    """The names in the first column of README's settings table."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_every_documented_variable_is_a_setting_and_every_setting_is_documented():
    assert documented_variables() == {setting.name for setting in SETTINGS}


def test_every_setting_has_a_sample_here():
    assert set(SAMPLES) == {setting.name for setting in SETTINGS}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_setting_is_read_from_the_environment(name):
    raw, expected = SAMPLES[name]
    before = settings_from_env({})[name]
    read = settings_from_env({name: raw})[name]
    assert read == expected
    assert read != before


def test_the_app_takes_its_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WIDGET_SESSION_LIFETIME", "900")
    monkeypatch.setenv("SANDBOX_SLOW_SYNC_SECONDS", "77")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "from-env"))
    app = create_app({"TESTING": True, "SECRET_KEY": "t"})
    assert app.config["WIDGET_SESSION_LIFETIME"] == 900
    assert app.config["SANDBOX_SLOW_SYNC_SECONDS"] == 77
    assert app.instance_path == str(tmp_path / "from-env")


def sandbox_with(env):
    settings = settings_from_env(env)
    settle_settings(settings)
    return settings["SANDBOX"]


def test_the_sandbox_is_on_without_an_upstream_and_off_with_one():
    assert sandbox_with({}) is True
    assert sandbox_with(UPSTREAM) is False
    assert sandbox_with({**UPSTREAM, "SANDBOX": "1"}) is True


@pytest.mark.parametrize("env, named, says", [
    ({"WIDGET_CLIENTS": "{not json"}, "WIDGET_CLIENTS", "not valid JSON"),
    ({"WIDGET_CLIENTS": "[]"}, "WIDGET_CLIENTS", "expected a JSON object"),
    ({"WIDGET_CLIENTS": '{"acme": []}'}, "WIDGET_CLIENTS", "expected an object"),
    ({"WIDGET_CLIENTS": '{"acme": {"redirect_urls": "https://a.example"}}'}, "WIDGET_CLIENTS",
     "must be a list"),
    ({"WIDGET_CLIENTS": '{"acme": {"redirect_urls": ["/bank/return"]}}'}, "WIDGET_CLIENTS",
     "'/bank/return' must be an absolute"),
    ({"WIDGET_CLIENTS": '{"acme": {"redirect_urls": ["app.acme.example/r"]}}'}, "WIDGET_CLIENTS",
     "must be an absolute"),
    ({"WIDGET_CLIENTS": '{"acme": {"redirect_uris": []}}'}, "WIDGET_CLIENTS", "unknown key"),
    ({"WIDGET_CLIENTS": '{"acme": {"redirect_urls": ["https://u@app.acme.example/r"]}}'},
     "WIDGET_CLIENTS", "must be a plain URL"),
    ({"WIDGET_CLIENTS": '{"acme": {"redirect_urls": ["https://app.acme.example/r%2f.."]}}'},
     "WIDGET_CLIENTS", "must be a plain URL"),
    ({"WIDGET_CLIENTS": '{"acme": {"frame_ancestors": ["https://a.example; script-src *"]}}'},
     "WIDGET_CLIENTS", "must be an origin"),
    ({"PORT": "http"}, "PORT", "expected a number"),
    ({"PORT": "0"}, "PORT", "at least 1"),
    ({"WEB_CONCURRENCY": "two"}, "WEB_CONCURRENCY", "expected a number"),
    ({"UPSTREAM_READ_TIMEOUT": "nan"}, "UPSTREAM_READ_TIMEOUT", "at least"),
    ({"WIDGET_SESSION_LIFETIME": "1h"}, "WIDGET_SESSION_LIFETIME", "expected a number"),
    ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES", "at least 0"),
    ({"PUBLIC_BASE_URL": "widget.example.com"}, "PUBLIC_BASE_URL", "absolute http"),
    ({"PUBLIC_BASE_URL": "ftp://widget.example.com"}, "PUBLIC_BASE_URL", "absolute http"),
    ({"PUBLIC_BASE_URL": "https://widget.example.com/?a=1"}, "PUBLIC_BASE_URL", "query"),
    ({"API_BASE_URL": "api.example.com"}, "API_BASE_URL", "absolute http"),
    ({"LOGO_ORIGINS": "cdn.example.com"}, "LOGO_ORIGINS", "not an origin"),
    ({"LOGO_ORIGINS": "https://cdn.example.com/logos"}, "LOGO_ORIGINS", "not an origin"),
    ({"LOGO_ORIGINS": "https://cdn.example.com; script-src *"}, "LOGO_ORIGINS", "not an origin"),
    ({"LOGO_ORIGINS": "https://u@cdn.example.com"}, "LOGO_ORIGINS", "not an origin"),
    ({"LOGO_ORIGINS": ","}, "LOGO_ORIGINS", "expected origins"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL", "redis://"),
    ({"DEFAULT_LANGUAGE": "klingon"}, "DEFAULT_LANGUAGE", "unknown language"),
    ({"SANDBOX": "maybe"}, "SANDBOX", "expected 1 or 0"),
    ({"LIMIT_SESSIONS_PER_IP": "lots"}, "LIMIT_SESSIONS_PER_IP", "30 per minute"),
    ({"LIMIT_CHALLENGE_ANSWERS": "5 per fortnight"}, "LIMIT_CHALLENGE_ANSWERS", "a rate"),
    ({"RATELIMIT_ENABLED": "sometimes"}, "RATELIMIT_ENABLED", "expected 1 or 0"),
    ({"SANDBOX_FAULTS": '{"/sandbox/api": "explode"}'}, "SANDBOX_FAULTS", "expected"),
    ({"SANDBOX_FAULTS": '{"/elsewhere": "500"}'}, "SANDBOX_FAULTS", "expected"),
    ({"SANDBOX_FAULTS": '{"/sandbox/api": "lost:0"}'}, "SANDBOX_FAULTS", "expected"),
    ({"SANDBOX_FAULTS": '{"/sandbox/api": "lost:"}'}, "SANDBOX_FAULTS", "expected"),
    ({"SANDBOX_FAULTS": '{"/sandbox/api": "late\\n"}'}, "SANDBOX_FAULTS", "expected"),
    ({"SANDBOX_PROVIDER_STATUS": "12:BROKEN"}, "SANDBOX_PROVIDER_STATUS", "12:DOWN"),
    ({"SANDBOX_PROVIDER_STATUS": "12"}, "SANDBOX_PROVIDER_STATUS", "UP|DEGRADED|DOWN"),
    ({"SANDBOX_PROVIDER_STATUS": ":DOWN"}, "SANDBOX_PROVIDER_STATUS", "expected"),
    ({"SANDBOX_PROVIDER_STATUS": "12:DOWN,,14:UP"}, "SANDBOX_PROVIDER_STATUS", "expected"),
    ({"SANDBOX": "0", "API_BASE_URL": "https://api.example.com",
      "AUTH_BASE_URL": "https://auth.example.com"}, "PUBLIC_BASE_URL", "required"),
    ({"API_BASE_URL": "https://api.example.com", "PUBLIC_BASE_URL": "https://w.example.com"},
     "AUTH_BASE_URL", "required"),
    ({"SESSION_ENCRYPTION_KEYS": "not-a-fernet-key"}, "SESSION_ENCRYPTION_KEYS",
     "key 1 of 1 is not a Fernet key"),
    ({"SESSION_ENCRYPTION_KEYS": NEW_KEY + "," + NEW_KEY[:-2]}, "SESSION_ENCRYPTION_KEYS",
     "key 2 of 2 is not a Fernet key"),
    ({"SESSION_ENCRYPTION_KEYS": " , "}, "SESSION_ENCRYPTION_KEYS", "expected comma-separated"),
    ({"SESSION_SEALING": "aes"}, "SESSION_SEALING", "expected aes-gcm-siv or fernet"),
    ({**UPSTREAM, "SESSION_ENCRYPTION_KEYS": ""}, "SESSION_ENCRYPTION_KEYS",
     "required when the sandbox is off"),
])
def test_a_bad_value_is_refused_naming_its_variable(env, named, says):
    with pytest.raises(SettingError) as refused:
        settle_settings(settings_from_env(env))
    assert refused.value.name == named
    assert str(refused.value).startswith(named + ": ")
    assert says in str(refused.value)
    if named == "SESSION_ENCRYPTION_KEYS":  # a key, even a broken one, is never echoed
        assert NEW_KEY[:-2] not in str(refused.value) and "not-a-fernet" not in str(refused.value)


def test_logo_origins_default_to_the_api_s_origin():
    def settled(env):
        settings = settings_from_env(env)
        settle_settings(settings)
        return settings["LOGO_ORIGINS"]

    assert settled({}) == []  # the sandbox's logos are on the widget's own origin
    assert settled(UPSTREAM) == ["https://api.example.com"]
    assert settled({**UPSTREAM, "API_BASE_URL": "https://API.example.com:443/v2"}) == [
        "https://api.example.com"]
    assert settled({**UPSTREAM, "LOGO_ORIGINS": "none"}) == []
    assert settled({**UPSTREAM, "LOGO_ORIGINS": "https://cdn.example.com"}) == [
        "https://cdn.example.com"]


def test_create_app_refuses_a_bad_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("WIDGET_CLIENTS", '{"acme": {"redirect_urls": ["nope"]}}')
    with pytest.raises(SettingError, match="^WIDGET_CLIENTS: "):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})


def test_a_warning_when_the_sandbox_is_off_and_redis_unset(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="passerelle"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t", **UPSTREAM})
    assert any("REDIS_URL is not set" in record.getMessage() for record in caplog.records)


def test_no_warning_with_redis_or_with_the_sandbox(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="passerelle"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t"})
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t",
                    "REDIS_URL": "redis://127.0.0.1:6379/0", **UPSTREAM})
    assert not [r for r in caplog.records if "REDIS_URL" in r.getMessage()]


def test_the_default_language_setting_applies(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t",
                      "DEFAULT_LANGUAGE": "en"})
    page = app.test_client().get("/widget/add_connection?session_id=" + "x" * 43)
    assert 'lang="en"' in page.get_data(as_text=True)


def test_an_empty_variable_counts_as_unset():
    """Platforms often define a variable with no value; it must not blank a default."""
    defaults = settings_from_env({})
    assert settings_from_env({name: "" for name in SAMPLES}) == defaults
    assert settings_from_env({"SANDBOX_PASSWORD_HASH_METHOD": " "})[
        "SANDBOX_PASSWORD_HASH_METHOD"] == "scrypt"


@pytest.mark.parametrize("url, verify, checked", [
    ("rediss://h.example:6380/0", True, True),
    ("rediss://h.example:6380/0", False, False),
    ("redis://h.example:6379/0", False, None),  # no TLS at all
])
def test_redis_tls_verification_follows_the_setting(url, verify, checked):
    import ssl

    from widget.store_redis import redis_client

    client = redis_client({"REDIS_URL": url, "REDIS_TLS_VERIFY": verify})
    kwargs = client.connection_pool.connection_kwargs
    if checked is None:
        assert "ssl_cert_reqs" not in kwargs
    else:
        assert (kwargs.get("ssl_cert_reqs", ssl.CERT_REQUIRED) not in (None, "none",
                                                                      ssl.CERT_NONE)) is checked
    client.close()
