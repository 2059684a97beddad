"""Bytes on the wire for the first add_connection screen, cold and warm (part of `make bench`).

    .venv/bin/python benchmarks/first_screen_bytes.py

Starts the Procfile's gunicorn command on a free loopback port with an empty instance
folder, opens a widget session as a Client would, then fetches the add_connection page and
every stylesheet and script it links, as a browser sending `Accept-Encoding: br, gzip`.
Counts each response's status line, headers and (encoded) body; requests are not counted. Cold: an empty cache, the
page and every asset. Warm: a second widget opened later; the page is fetched again (it is
no-store), assets with `immutable` are not. Goals of issue 8: cold <= 22 kB, warm <= 4 kB.

The banks' logos (issue 12) are counted apart, after the goal's total: every distinct logo
the page shows (a browser fetches them all, the list being shorter than its lazy-loading
margin), from wherever the upstream serves them (the sandbox: this server).
"""
import gzip
import re
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import brotli
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.client_backend import CLIENT, sandbox_user  # noqa: E402
from tests.procfile_server import ProcfileServer, fetch_raw  # noqa: E402

ASSET_URL = re.compile(r'(?:<link rel="stylesheet" href|<script src)="(/[^"]+)"')
LOGO_URL = re.compile(r'<img class="logo" src="([^"]+)"')
BROWSER = {"Accept-Encoding": "br, gzip", "Accept": "text/html"}
GOALS = {"cold": 22_000, "warm": 4_000}


def open_first_screen(base, user):
    """The add_connection page of a new widget session, as the browser receives it."""
    created = requests.post(base + "/widget_session", auth=CLIENT, timeout=30, data={
        "access_token": user["access_token"], "refresh_token": user["refresh_token"],
        "redirect_url": base + "/playground/return"})
    created.raise_for_status()
    return fetch_raw(base, "/widget/add_connection?session_id=" + created.json()["session_id"],
                     headers=BROWSER)


def html_of(page):
    decode = {"br": brotli.decompress, "gzip": gzip.decompress}.get(page.header("Content-Encoding"))
    return (decode(page.body) if decode else page.body).decode()


def describe_page(page):
    return "page (%s, %d bytes of HTML)" % (page.header("Content-Encoding") or "identity",
                                           len(html_of(page)))


def measure(base):
    """[(label, what, bytes)] for a cold then a warm first screen."""
    user = sandbox_user(SimpleNamespace(live_url=base), accept_terms=True)
    rows, cache = [], set()
    for label in ("cold", "warm"):
        page = open_first_screen(base, user)
        assert page.status == 200, page.status
        rows.append((label, describe_page(page), page.wire_bytes, "asset"))
        logos = [url.removeprefix(base) for url in LOGO_URL.findall(html_of(page))]
        for kind, urls in (("asset", ASSET_URL.findall(html_of(page))), ("logo", logos)):
            for url in dict.fromkeys(urls):
                if url in cache:
                    continue
                asset = fetch_raw(base, url, headers=BROWSER)
                assert asset.status == 200, (url, asset.status)
                if "immutable" in (asset.header("Cache-Control") or ""):
                    cache.add(url)
                rows.append((label, "%s (%s)" % (url, asset.header("Content-Encoding") or
                                                 "identity"), asset.wire_bytes, kind))
    return rows


def report(rows):
    for label in ("cold", "warm"):
        print("\nfirst add_connection screen, %s cache:" % label)
        total = 0
        for row_label, what, size, kind in rows:
            if row_label == label and kind == "asset":
                print("  %7d  %s" % (size, what))
                total += size
        verdict = "ok" if total <= GOALS[label] else "OVER"
        print("  %7d  bytes on the wire (goal <= %d: %s)" % (total, GOALS[label], verdict))
        logos = [size for row_label, _, size, kind in rows if row_label == label and kind == "logo"]
        print("  %7d  and the banks' logos: %d files, from %d to %d bytes each" % (
            sum(logos), len(logos), min(logos, default=0), max(logos, default=0)))


def main():
    with tempfile.TemporaryDirectory() as folder:
        server = ProcfileServer(INSTANCE_PATH=str(Path(folder) / "instance"))
        server.start()
        try:
            rows = measure(server.url)
        finally:
            server.stop()
    report(rows)


if __name__ == "__main__":
    main()
