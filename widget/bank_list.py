"""The provider list's helpers: each bank's logo or letter avatar, the country's name, and the
origins a widget page may load images from.

The upstream gives each provider a `logo_url`. The page's Content-Security-Policy allows images
from its own origin and from `image_origins()`; the list shows a logo only from one of those
(else the bank's letter avatar), so a logo the browser would refuse is never asked for.
"""
import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request
from markupsafe import Markup

from widget.countries import country_name

DEFAULT_PORTS = {"http": 80, "https": 443}
AVATAR_COLOURS = 6  # .avatar-0 to .avatar-5 in static/style.css
ITEMS_TEMPLATE = "widget/screens/_provider_items.html"


def origin_of(url: object) -> str | None:
    """`scheme://host[:port]` of an absolute http(s) URL, lower case, without a default port;
    None for anything else (a relative or data: URL, credentials in it, a bad port)."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    if port is None or port == DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{parts.hostname}"
    return f"{parts.scheme}://{parts.hostname}:{port}"


def image_origins(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The origins besides the page's own that widget pages load logos from: `LOGO_ORIGINS`,
    and with the sandbox, `PUBLIC_BASE_URL`'s (the sandbox's logos live there)."""
    return _image_origins(tuple(config.get("LOGO_ORIGINS") or ()), config.get("PUBLIC_BASE_URL"),
                          bool(config.get("SANDBOX")))


# Every response's Content-Security-Policy names them: found once per settings, not parsed again
# on each response (the settings are read each time: tests change them on a live app).
@functools.lru_cache(maxsize=16)
def _image_origins(logo_origins: tuple[str, ...], public_base_url: object,
                   sandbox: bool) -> tuple[str, ...]:
    found = list(logo_origins)
    public = origin_of(public_base_url)
    if sandbox and public and public not in found:
        found.append(public)
    return tuple(found)


def bank_logo(provider: Mapping[str, Any]) -> str | None:
    """The provider's logo URL when the page may show it, else None (the avatar shows)."""
    url = provider.get("logo_url")
    origin = origin_of(url)
    if origin is None:
        return None
    if origin == origin_of(request.host_url) or origin in image_origins(current_app.config):
        return str(url)
    return None


def bank_initial(name: object) -> str:
    """The avatar's letter: the name's first letter or digit, upper case."""
    for char in str(name or ""):
        if char.isalnum():
            return char.upper()
    return "?"


def avatar_colour(name: object) -> int:
    """One of the avatar colours, the same for a name on every process (never hash())."""
    return sum(map(ord, str(name or ""))) % AVATAR_COLOURS


def provider_items(providers: list[Any]) -> Markup:
    """The list's items (their buttons, logos or letters) as HTML. A page of the catalogue this
    process keeps is rendered once per language and host with the rest of the results, which
    hold them (widget/provider_results.py): the logos' checks alone were a third of a list
    page's time."""
    template = current_app.jinja_env.get_template(ITEMS_TEMPLATE)
    return Markup(template.render(providers=providers))


def init_app(app: Any) -> None:
    app.jinja_env.globals.update(bank_logo=bank_logo, bank_initial=bank_initial,
                                 avatar_colour=avatar_colour, country_name=country_name,
                                 provider_items=provider_items)
