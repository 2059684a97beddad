import pytest

from widget.clients import ClientRegistry
from widget.redirect_urls import normalised_redirect

LOCAL = ["http://localhost", "http://127.0.0.1"]
PROD = ["https://app.example.com/widget/return"]


@pytest.mark.parametrize("url, registered, allowed", [
    ("http://localhost:5000/playground/return", LOCAL, True),
    ("http://127.0.0.1:8080/any/path?x=1", LOCAL, True),
    ("http://localhost/", LOCAL, True),
    ("http://127.0.0.1.evil.example/", LOCAL, False),
    ("http://localhost.evil.example:5000/", LOCAL, False),
    ("http://evil.example/?u=http://localhost", LOCAL, False),
    ("https://localhost:5000/", LOCAL, False),  # scheme must match the registered one
    ("javascript:alert(1)", LOCAL, False),
    ("//localhost:5000/x", LOCAL, False),
    ("/relative", LOCAL, False),
    ("http://user:pw@localhost:5000/", LOCAL, False),
    ("http://localhost:99999/", LOCAL, False),
    ("http://local host/", LOCAL, False),
    ("https://app.example.com/widget/return", PROD, True),
    ("https://app.example.com/widget/return/done?a=b", PROD, True),
    ("https://app.example.com/widget/returned", PROD, False),
    ("https://app.example.com/other", PROD, False),
    ("https://app.example.com:8443/widget/return", PROD, False),
    ("https://app.example.com:443/widget/return", PROD, True),
    ("http://app.example.com/widget/return", ["http://app.example.com/widget/return"], False),
    ("https://APP.example.com/widget/return", PROD, True),
    (None, LOCAL, False),
    ("", LOCAL, False),
])
def test_url_allowed(url, registered, allowed):
    assert (normalised_redirect(url, registered) is not None) is allowed


def test_registry_is_per_client():
    registry = ClientRegistry({"a": {"redirect_urls": PROD, "frame_ancestors": ["https://app.example.com"]}})
    assert registry.redirect_allowed("a", PROD[0])
    assert not registry.redirect_allowed("b", PROD[0])
    assert registry.normalised_redirect("a", PROD[0] + "/./x/..") == PROD[0] + "/"
    assert registry.normalised_redirect("b", PROD[0]) is None
    assert registry.frame_ancestors("a") == ["https://app.example.com"]
    assert registry.frame_ancestors("b") == []
