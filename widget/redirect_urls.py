"""Redirect URLs read the way a browser reads them, and matched against registered ones.

The check and the redirect must agree on what a URL means. So a URL is parsed once with the
browser's own rules (ada-url implements the WHATWG URL standard that browsers follow: dot
segments, `%2e`, IPv4 spellings, IDNA...), spellings that only serve to make a checker and a
browser disagree are refused outright, and only the normalised URL is ever redirected to.
"""
import re
import unicodedata
from typing import NamedTuple

from ada_url import URL

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_LENGTH = 2048
# Browsers also read `https:/host`, `https:host` and `HTTPS:\\host` as `https://host`: only the
# plain spelling is accepted, with its authority (userinfo, host, port) up to the path.
ABSOLUTE = re.compile(r"(?P<scheme>https?)://(?P<authority>[^/?#]*)", re.IGNORECASE)
EXPLICIT_PORT = re.compile(r":[0-9]+$")
# A `/` or `\` hidden as %2f / %5c, or a `%` hidden as %25 (double encoding): a server that
# decodes the path once more would see segments the browser did not.
ENCODED_SEPARATOR = re.compile(r"%(?:2f|5c|25)", re.IGNORECASE)
# What is left of a segment once dots and `;params` are stripped: servers such as Tomcat read
# `..;x` or `...` as a step up although a browser keeps them as names.
DOTS_ONLY = re.compile(r"(?:\.|%2e)+(?:;.*)?", re.IGNORECASE)


class BrowserURL(NamedTuple):
    """An http(s) URL as a browser will load it."""

    href: str  # the normalised URL: the only form stored and redirected to
    scheme: str
    host: str  # lowercase, IDNA-encoded, IPv4 in dotted decimal, IPv6 in brackets
    port: int  # the effective port
    explicit_port: bool  # the URL named a port (a loopback entry without one admits any)
    segments: tuple  # the path's segments, dot segments resolved


def _has_invisible_or_control(url):
    return any(ch in "\\\x7f" or ord(ch) <= 0x20 or ch.isspace()
               or unicodedata.category(ch) in ("Cc", "Cf") for ch in url)


def browser_url(url):
    """`url` parsed as a browser would, or None when it is not a plain absolute http(s) URL.

    Refused: backslashes, whitespace, control and invisible characters, userinfo (even
    empty), a percent-encoded host, and percent-encoded separators left in the path.
    """
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH:
        return None
    start = ABSOLUTE.match(url)
    if start is None or _has_invisible_or_control(url):
        return None
    authority = start.group("authority")
    if not authority or "@" in authority or "%" in authority:
        return None
    try:
        parsed = URL(url)
    except ValueError:
        return None
    scheme = parsed.protocol.rstrip(":")
    if scheme not in DEFAULT_PORTS or not parsed.hostname or parsed.username or parsed.password:
        return None
    path = parsed.pathname
    segments = tuple(path.split("/")[1:])
    if ENCODED_SEPARATOR.search(path) or any(DOTS_ONLY.fullmatch(s) for s in segments):
        return None
    return BrowserURL(parsed.href, scheme, parsed.hostname,
                      int(parsed.port) if parsed.port else DEFAULT_PORTS[scheme],
                      bool(EXPLICIT_PORT.search(authority)), segments)


def _falls_under(candidate, entry):
    """Same scheme, host and port; the path inside the registered one, segment by segment."""
    if (candidate.scheme, candidate.host) != (entry.scheme, entry.host):
        return False
    any_port = entry.host in LOOPBACK_HOSTS and not entry.explicit_port
    if not any_port and candidate.port != entry.port:
        return False
    prefix = entry.segments[:-1] if entry.segments[-1:] == ("",) else entry.segments
    return candidate.segments[:len(prefix)] == prefix


def normalised_redirect(url, registered_urls):
    """The URL a browser will load for `url` when that falls under a registered URL, else None.

    https only, except for loopback hosts (DESIGN.md section 3). Redirect to the answer, never
    to `url` itself: what the browser loads is then exactly what was checked.
    """
    candidate = browser_url(url)
    if candidate is None or (candidate.scheme != "https" and candidate.host not in LOOPBACK_HOSTS):
        return None
    for registered in registered_urls:
        entry = browser_url(registered)
        if entry is not None and _falls_under(candidate, entry):
            return candidate.href
    return None
