"""`vary_on` adds to the Vary header as werkzeug's `response.vary.add` does."""
import pytest
from flask import Response

from widget.vary import vary_on


@pytest.mark.parametrize("before, names, after", [
    (None, ["HX-Request"], "HX-Request"),
    ("HX-Request", ["HX-Target"], "HX-Request, HX-Target"),
    ("HX-Request", ["hx-request"], "HX-Request"),  # once, whatever its case
    ("HX-Request, Accept-Encoding", ["Accept-Encoding", "HX-Target"],
     "HX-Request, Accept-Encoding, HX-Target"),
    (None, ["HX-Target", "HX-Target"], "HX-Target"),
    ("*", ["HX-Request"], "*"),  # varies on everything already
])
def test_vary_on(before, names, after):
    response = Response("x", headers={"Vary": before} if before else {})
    vary_on(response, *names)
    assert response.headers.getlist("Vary") == [after]
    werkzeug = Response("x", headers={"Vary": before} if before else {})
    for name in names:
        werkzeug.vary.add(name)
    assert set(werkzeug.vary) == {part.strip() for part in after.split(",")} | (
        set(names) if before == "*" else set())


def test_vary_given_twice_becomes_one_header_with_both():
    response = Response("x", headers=[("Vary", "Cookie"), ("Vary", "HX-Request")])
    vary_on(response, "Accept-Encoding", "cookie")
    assert response.headers.getlist("Vary") == ["Cookie, HX-Request, Accept-Encoding"]
