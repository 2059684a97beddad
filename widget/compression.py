"""Pages and API answers compressed (brotli, else gzip) for requests that carry no cookie.

Compressing a page that holds a secret next to text an attacker chooses leaks the secret
through the page's size (BREACH), but only when the attacker can make a victim's browser send
the request with its credential attached by itself: a cookie. A widget request carries its
session id in the URL or the form, so whoever can make it already holds the secret; the widget
sets no cookie. Answers to requests with a Cookie header (the playground, the sandbox's bank
portal) stay uncompressed.
"""
import gzip

import brotli
from flask import request

from widget.public_url import IN_PROCESS_KEY
from widget.vary import vary_on

COMPRESSIBLE = {"text/html", "application/json"}
MIN_SIZE = 1024  # below this the headers cost more than the bytes saved
BROTLI_QUALITY = 5  # about gzip's speed, a fifth smaller on these pages
ENCODERS = {
    "br": lambda data: brotli.compress(data, quality=BROTLI_QUALITY),
    "gzip": lambda data: gzip.compress(data, compresslevel=6, mtime=0),
}


def compress_response(response):
    if request.environ.get(IN_PROCESS_KEY):  # read by our own code: no byte travels
        return response
    # getlist, not `in`: werkzeug's `in` raises and catches an HTTP exception for an absent
    # header, which it is on nearly every response.
    if (response.mimetype not in COMPRESSIBLE or response.direct_passthrough
            or response.is_streamed or response.headers.getlist("Content-Encoding")
            or response.status_code in (204, 304)):
        return response
    vary_on(response, "Accept-Encoding")
    if request.environ.get("HTTP_COOKIE"):  # any Cookie header, parsed or not
        return response
    coding = request.accept_encodings.best_match(list(ENCODERS))
    data = response.get_data()
    if coding is None or len(data) < MIN_SIZE:
        return response
    response.set_data(ENCODERS[coding](data))
    response.headers["Content-Encoding"] = coding
    return response


def init_app(app):
    # Registered before the other after_request functions, so it runs after them (Flask runs
    # them in reverse): it compresses the body they leave.
    app.after_request(compress_response)
