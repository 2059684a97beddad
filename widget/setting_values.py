"""How each setting's text becomes a value, or a SettingError naming the variable."""
import json
from urllib.parse import urlsplit


class SettingError(ValueError):
    """A setting that cannot be used; the message starts with the variable's name."""

    def __init__(self, name, problem):
        super().__init__(f"{name}: {problem}")
        self.name = name


def flag(name, raw):
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise SettingError(name, f"expected 1 or 0 (true or false), got {raw!r}")


def number(kind, minimum):
    def parse(name, raw):
        try:
            value = kind(raw.strip())
        except ValueError:
            raise SettingError(name, f"expected a number, got {raw!r}") from None
        if not value >= minimum:  # also refuses nan
            raise SettingError(name, f"must be at least {minimum}, got {raw!r}")
        return value
    return parse


def text(name, raw):
    return raw


def one_of(*choices):
    def parse(name, raw):
        value = raw.strip().lower()
        if value not in choices:
            raise SettingError(name, f"expected {' or '.join(choices)}, got {raw!r}")
        return value
    return parse


def json_object(name, raw):
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise SettingError(name, f"not valid JSON ({exc})") from None


def http_url_problem(url):
    """Why `url` is not an absolute http(s) URL without query or fragment, or None."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "must be an absolute http:// or https:// URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        return "must be an absolute http:// or https:// URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http:// or https:// URL, e.g. https://widget.example.com"
    if parts.query or parts.fragment:
        return "must not have a query or a fragment"
    return None


def base_url(name, raw):
    problem = http_url_problem(raw.strip())
    if problem:
        raise SettingError(name, f"{problem}, got {raw!r}")
    return raw.strip().rstrip("/")


def origins(name, raw):
    """Origins separated by commas or spaces (`https://cdn.example.com`), or `none`."""
    from widget.bank_list import origin_of

    if raw.strip().lower() == "none":
        return []
    found = []
    for item in raw.replace(",", " ").split():
        origin = origin_of(item)
        if origin is None or http_url_problem(item) or urlsplit(item).path not in ("", "/"):
            raise SettingError(name, f"{item!r} is not an origin such as https://cdn.example.com")
        found.append(origin)
    if not found:
        raise SettingError(name, "expected origins such as https://cdn.example.com, or none")
    return found


def redis_url(name, raw):
    if urlsplit(raw.strip()).scheme not in ("redis", "rediss", "unix"):
        raise SettingError(name, "must start with redis://, rediss:// or unix://")
    return raw.strip()


def fernet_keys(name, raw):
    from widget.encryption import key_problem

    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise SettingError(name, f"expected comma-separated Fernet keys, got {raw!r}")
    for position, key in enumerate(keys, 1):
        if key_problem(key):
            raise SettingError(name, f"key {position} of {len(keys)} {key_problem(key)}")
    return keys


def rate(name, raw):
    from limits import parse_many

    try:
        parse_many(raw.strip())
    except ValueError:
        raise SettingError(name, f"expected a rate such as \"30 per minute\", got {raw!r}") from None
    return raw.strip()


PROVIDER_STATUSES = ("UP", "DEGRADED", "DOWN")


def provider_statuses(name, raw):
    """`<provider id>:<UP|DEGRADED|DOWN>` pairs separated by commas: `12:DOWN,14:DEGRADED`."""
    found = {}
    for item in raw.split(","):
        provider_id, colon, status = item.strip().rpartition(":")
        provider_id, status = provider_id.strip(), status.strip().upper()
        if not colon or not provider_id or status not in PROVIDER_STATUSES:
            raise SettingError(name, f"expected <provider id>:UP|DEGRADED|DOWN pairs separated "
                                     f"by commas, such as 12:DOWN,14:DEGRADED; got {item.strip()!r}")
        found[provider_id] = status
    return found
