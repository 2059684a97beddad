"""Redirect URLs as a browser reads them: lookalikes of a registered URL, refused or normalised.

Each row is (URL offered, registered URLs, what the widget may redirect to: None = refused).
"""
import pytest

from widget.redirect_urls import browser_url, normalised_redirect

BANK = ["https://app.example.com/bank/return"]
DEMO = ["http://localhost", "http://127.0.0.1"]  # the sandbox's demo client: any port, any path
V6 = ["http://[::1]"]
RETURN = "https://app.example.com/bank/return"

HOSTS = [
    (RETURN, BANK, RETURN),
    ("https://APP.EXAMPLE.COM/bank/return", BANK, RETURN),
    ("HTTPS://App.Example.Com/bank/return", BANK, RETURN),
    ("https://app.example.com./bank/return", BANK, None),  # trailing dot: another origin
    ("https://app.example.com.evil.example/bank/return", BANK, None),
    ("https://app.example.com.evil/bank/return", BANK, None),
    ("https://evil-app.example.com/bank/return", BANK, None),
    ("https://evilapp.example.com/bank/return", BANK, None),
    ("https://www.app.example.com/bank/return", BANK, None),
    ("https://example.com/bank/return", BANK, None),
    ("https://app.example.co/bank/return", BANK, None),
    ("https://app-example.com/bank/return", BANK, None),
    ("https://app.example.com%2eevil.example/bank/return", BANK, None),
    ("https://%61pp.example.com/bank/return", BANK, None),  # percent-encoded host
    ("https://app\u3002example\u3002com/bank/return", BANK, RETURN),  # ideographic full stop
    ("https://app\uff0eexample\uff0ecom/bank/return", BANK, RETURN),  # fullwidth full stop
    ("https://app\uff61example\uff61com/bank/return", BANK, RETURN),  # halfwidth full stop
    ("https://app.example.com\u3002/bank/return", BANK, None),  # a trailing dot in disguise
    ("https://\uff41\uff50\uff50.example.com/bank/return", BANK, RETURN),  # fullwidth letters
    ("https://\u0430pp.example.com/bank/return", BANK, None),  # Cyrillic a: another IDN host
    ("https://app.exam\u200bple.com/bank/return", BANK, None),  # zero-width space
    ("https://app.exam\u00adple.com/bank/return", BANK, None),  # soft hyphen
    ("https://app.example.com\u202e/bank/return", BANK, None),  # right-to-left override
    ("https://b\u00fccher.example/r", ["https://xn--bcher-kva.example/r"],
     "https://xn--bcher-kva.example/r"),
    ("https://xn--bcher-kva.example/r", ["https://b\u00fccher.example/r"],
     "https://xn--bcher-kva.example/r"),
    ("https://93.184.216.34/bank/return", BANK, None),
    ("http://localhost:5000/playground/return", DEMO, "http://localhost:5000/playground/return"),
    ("http://LOCALHOST:5000/", DEMO, "http://localhost:5000/"),
    ("http://localhost:5000", DEMO, "http://localhost:5000/"),
    ("http://localhost./", DEMO, None),
    ("http://localhost.evil.example:5000/", DEMO, None),
    ("http://127.0.0.1:5000/return", DEMO, "http://127.0.0.1:5000/return"),
    ("http://127.0.0.1.evil.example/", DEMO, None),
    ("http://127.0.0.2/", DEMO, None),
    ("http://2130706433:5000/return", DEMO, "http://127.0.0.1:5000/return"),  # decimal
    ("http://0177.0.0.1:5000/return", DEMO, "http://127.0.0.1:5000/return"),  # octal
    ("http://0x7f.0.0.1:5000/", DEMO, "http://127.0.0.1:5000/"),  # hex
    ("http://0x7f000001/", DEMO, "http://127.0.0.1/"),
    ("http://127.1/", DEMO, "http://127.0.0.1/"),  # short form
    ("http://[::1]:5000/", DEMO, None),  # not registered for the demo client
    ("http://[::ffff:127.0.0.1]/", DEMO, None),
    ("http://[::1]:5000/r", V6, "http://[::1]:5000/r"),
    ("http://[0:0:0:0:0:0:0:1]:8080/x", V6, "http://[::1]:8080/x"),
    ("http://[::2]/", V6, None),
]

PORTS = [
    ("https://app.example.com:443/bank/return", BANK, RETURN),  # explicit default port
    ("https://app.example.com:0443/bank/return", BANK, RETURN),
    ("https://app.example.com:/bank/return", BANK, RETURN),  # empty port: the default one
    ("https://app.example.com:8443/bank/return", BANK, None),
    ("https://app.example.com:80/bank/return", BANK, None),
    ("https://app.example.com:99999/bank/return", BANK, None),
    ("https://app.example.com:-1/bank/return", BANK, None),
    ("https://app.example.com:443:443/bank/return", BANK, None),
    ("https://app.example.com:8443/r", ["https://app.example.com:8443/r"], "https://app.example.com:8443/r"),
    ("https://app.example.com/r", ["https://app.example.com:8443/r"], None),
    ("http://localhost:80/", DEMO, "http://localhost/"),
    ("http://localhost:65535/x", DEMO, "http://localhost:65535/x"),
    ("http://localhost:5001/", ["http://localhost:5000"], None),  # a loopback entry with a port
    ("http://localhost:5000/a", ["http://localhost:5000"], "http://localhost:5000/a"),
    ("http://localhost:5000/a", ["http://localhost:80"], None),
]

USERINFO = [
    ("https://user@app.example.com/bank/return", BANK, None),
    ("https://user:pw@app.example.com/bank/return", BANK, None),
    ("https://@app.example.com/bank/return", BANK, None),
    ("https://:@app.example.com/bank/return", BANK, None),
    ("https://app.example.com@evil.example/bank/return", BANK, None),
    ("https://evil.example@app.example.com/bank/return", BANK, None),
    ("https://app.example.com%40evil.example/bank/return", BANK, None),
    ("https://evil.example\\@app.example.com/bank/return", BANK, None),
    ("https://evil.example?@app.example.com/bank/return", BANK, None),
    ("https://evil.example#@app.example.com/bank/return", BANK, None),
    ("http://localhost@evil.example/", DEMO, None),
    ("http://localhost:5000@evil.example/", DEMO, None),
]

SCHEMES = [
    ("javascript:alert(1)", DEMO, None),
    ("JavaScript://app.example.com/bank/return%0aalert(1)", BANK, None),
    ("data:text/html,<script>alert(1)</script>", BANK, None),
    ("vbscript:msgbox(1)", BANK, None),
    ("http://app.example.com/bank/return", BANK, None),  # https only off loopback
    ("http://app.example.com/bank/return", ["http://app.example.com/bank/return"], None),
    ("https://localhost:5000/", DEMO, None),  # the registered scheme is http
    ("ftp://app.example.com/bank/return", BANK, None),
    ("ws://app.example.com/bank/return", BANK, None),
    ("//app.example.com/bank/return", BANK, None),  # scheme-relative
    ("///app.example.com/bank/return", BANK, None),
    ("https:/app.example.com/bank/return", BANK, None),  # browsers would repair these
    ("https:app.example.com/bank/return", BANK, None),
    ("https:\\\\app.example.com/bank/return", BANK, None),
    ("https:/\\app.example.com/bank/return", BANK, None),
    ("/bank/return", BANK, None),
    ("bank/return", BANK, None),
    ("https://", BANK, None),
    ("https:///bank/return", BANK, None),
    ("", BANK, None),
    (None, BANK, None),
    (42, BANK, None),
    (" https://app.example.com/bank/return", BANK, None),
    ("https://app.example.com/bank/return ", BANK, None),
]

ENCODINGS = [
    ("https://app.example.com/bank/return/%2e%2e/%2e%2e/evil", BANK, None),
    ("https://app.example.com/bank/return/%2E%2E/evil", BANK, None),
    ("https://app.example.com/bank/return/.%2e/evil", BANK, None),
    ("https://app.example.com/bank/return/.%2E/evil", BANK, None),
    ("https://app.example.com/bank/return/%2e./evil", BANK, None),
    ("https://app.example.com/bank/return/%2e%2e", BANK, None),
    ("https://app.example.com/bank/return/%2e/done", BANK, RETURN + "/done"),
    ("https://app.example.com/bank/return/..%2fevil", BANK, None),
    ("https://app.example.com/bank/return%2f..%2f..%2fevil", BANK, None),
    ("https://app.example.com/bank/return/%2F", BANK, None),
    ("https://app.example.com/bank/return/..%5cevil", BANK, None),
    ("https://app.example.com/bank/return/%5C", BANK, None),
    ("https://app.example.com/bank/return/%252e%252e/evil", BANK, None),  # double encoding
    ("https://app.example.com/bank/return/%252f", BANK, None),
    ("https://app.example.com/bank/%72eturn", BANK, None),  # the browser keeps %72 as is
    ("https://app.example.com/bank/return/..;/evil", BANK, None),  # ..;x is .. to Tomcat
    ("https://app.example.com/bank/return/.../evil", BANK, None),
    ("https://app.example.com/bank/return/%2e%2e;x/evil", BANK, None),
    ("https://app.example.com/bank/return?next=%2f%2fevil.example", BANK,
     RETURN + "?next=%2f%2fevil.example"),  # the query is not a path
    ("https://app.example.com/bank/return/caf%C3%A9", BANK, RETURN + "/caf%C3%A9"),
    ("https://app.example.com/bank/return/caf\u00e9", BANK, RETURN + "/caf%C3%A9"),
    ("https://app.example.com/bank/return/a b", BANK, None),
    ("https://app.example.com/bank/return/a%20b", BANK, RETURN + "/a%20b"),
    ("https://app.example.com/bank/return/%0d%0aSet-Cookie:x", BANK,
     RETURN + "/%0d%0aSet-Cookie:x"),  # stays encoded: no header can be split
]

CONTROL_CHARACTERS = [
    ("https://app.example.com/bank/return/\t../../evil", BANK, None),
    ("https://app.example.com/bank/return/.\t./evil", BANK, None),
    ("https://app.example.com/bank/return\n", BANK, None),
    ("https://app.example.com/bank/return\r\nSet-Cookie: x=1", BANK, None),
    ("https://app.example.com/bank/\x00return", BANK, None),
    ("https://app.example.com\x00.evil.example/bank/return", BANK, None),
    ("https://app.example.com/bank/return\x7f", BANK, None),
    ("ht\ttps://app.example.com/bank/return", BANK, None),
    ("https://app.exa\nmple.com/bank/return", BANK, None),
    ("https://app.example.com/bank/return\u2028", BANK, None),
    ("https://app.example.com/bank/return\x1b", BANK, None),
    ("https://app.example.com/bank\\return", BANK, None),
    ("https://app.example.com/bank/return/" + "a" * 3000, BANK, None),  # beyond any sane URL
]

DOT_SEGMENTS = [
    ("https://app.example.com/bank/return/../../evil", BANK, None),
    ("https://app.example.com/bank/return/..", BANK, None),
    ("https://app.example.com/bank/return/./../../evil", BANK, None),
    ("https://app.example.com/bank/return/x/../../returned", BANK, None),
    ("https://app.example.com/bank/return/../return", BANK, RETURN),
    ("https://app.example.com/bank/return/./done", BANK, RETURN + "/done"),
    ("https://app.example.com/bank/return/x/../done", BANK, RETURN + "/done"),
    ("https://app.example.com/bank/./return", BANK, RETURN),
    ("https://app.example.com/bank/return/.", BANK, RETURN + "/"),
    ("https://app.example.com/bank/returned", BANK, None),
    ("https://app.example.com/bank/return-evil", BANK, None),
    ("https://app.example.com/bank//return", BANK, None),
    ("https://app.example.com//bank/return", BANK, None),
    ("https://app.example.com/BANK/return", BANK, None),
    ("https://app.example.com", BANK, None),
    ("https://app.example.com/bank/return/", BANK, RETURN + "/"),
    ("https://app.example.com/bank/return//evil.example", BANK, RETURN + "//evil.example"),
    ("https://app.example.com/bank/return?x=../../evil", BANK, RETURN + "?x=../../evil"),
    ("https://app.example.com/bank/return#../../evil", BANK, RETURN + "#../../evil"),
    ("https://app.example.com/bank/return/done?a=b", BANK, RETURN + "/done?a=b"),
    ("https://app.example.com/bank/return", ["https://app.example.com/bank/return/"], RETURN),
    ("https://app.example.com/a/../x", ["https://app.example.com"], "https://app.example.com/x"),
    ("https://app.example.com/bank/x", ["https://app.example.com/bank/return/.."],
     "https://app.example.com/bank/x"),  # registered URLs are read the same way
    ("http://localhost:5000/../../etc", DEMO, "http://localhost:5000/etc"),
    ("http://localhost:5000/a/%2e%2e/b", DEMO, "http://localhost:5000/b"),
]

TABLE = HOSTS + PORTS + USERINFO + SCHEMES + ENCODINGS + CONTROL_CHARACTERS + DOT_SEGMENTS


def test_the_table_is_large():
    assert len(TABLE) >= 100


@pytest.mark.parametrize("url, registered, expected", TABLE)
def test_lookalikes(url, registered, expected):
    assert normalised_redirect(url, registered) == expected


@pytest.mark.parametrize("url, registered, expected", [row for row in TABLE if row[2]])
def test_a_normalised_url_is_its_own_normal_form(url, registered, expected):
    """Stored URLs go through the check again (a link's override): they must still pass."""
    assert normalised_redirect(expected, registered) == expected


def test_registered_urls_that_cannot_be_read_match_nothing():
    assert normalised_redirect(RETURN, ["https://user@app.example.com/bank/return"]) is None
    assert normalised_redirect(RETURN, ["app.example.com/bank/return", None]) is None


def test_browser_url_parts():
    url = browser_url("HTTPS://App.Example.com:443/bank/./return/x/..")
    assert url.href == "https://app.example.com/bank/return/"
    assert (url.scheme, url.host, url.port, url.explicit_port) == ("https", "app.example.com", 443, True)
    assert url.segments == ("bank", "return", "")
