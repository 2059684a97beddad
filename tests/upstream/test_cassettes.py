"""The committed cassettes hold no secret: no client secret, no sandbox token, no password."""
import base64
import json
import re
from pathlib import Path

import pytest

from tests.upstream.recorded_sandbox import CASSETTES

HERE = Path(__file__).resolve().parent
CASSETTE_FILES = sorted(CASSETTES.glob("*.json"))

# The sandbox issues tokens with Authlib's generate_token: 42 (access) or 48 (refresh) letters
# and digits. Anything shaped like one, anywhere, is a leak.
SANDBOX_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]{42}|[A-Za-z0-9]{48})(?![A-Za-z0-9])")
LEAKS = {
    "the client secret": re.compile(r"demo-secret", re.IGNORECASE),
    "the client's Basic credentials": re.compile(
        re.escape(base64.b64encode(b"demo-client:demo-secret").decode().rstrip("="))),
    # (not a WWW-Authenticate challenge: `Bearer error="invalid_token"`)
    "a bearer token": re.compile(r"Bearer\s+(?!<[A-Z_0-9]+>|[a-z_]+=)\S"),
    "a token in a JSON body": re.compile(
        r"(?:access|refresh)_token\\*\"\s*:\s*\\*\"(?!<[A-Z_0-9]+>\\*\")"),
    "a password in a JSON body": re.compile(
        r"password\\*\"\s*:\s*\\*\"(?!<[A-Z_0-9]+>\\*\"|wrong\\*\")"),
    "a sandbox token": SANDBOX_TOKEN,
}


def test_there_are_cassettes():
    assert len(CASSETTE_FILES) >= 10


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda path: path.stem)
def test_cassette_holds_no_secret(path):
    text = path.read_text(encoding="utf-8")
    found = {what: pattern.findall(text) for what, pattern in LEAKS.items()}
    assert {what: hits for what, hits in found.items() if hits} == {}
    assert json.loads(text)["http_interactions"] is not None


def test_every_cassette_belongs_to_a_test():
    tests = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py"))
    orphans = [p.name for p in CASSETTE_FILES if "def %s(" % p.stem not in tests]
    assert orphans == []


def test_the_patterns_catch_what_they_are_for():
    token = "aB3" * 14  # 42 letters and digits, like a sandbox access token
    samples = {
        "the client secret": "demo-secret",
        "the client's Basic credentials": "Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=",
        "a bearer token": '"Authorization": ["Bearer %s"]' % token,
        "a token in a JSON body": '{\\"refresh_token\\": \\"xyz\\"}',
        "a password in a JSON body": '{\\"password\\":\\"hunter2\\"}',
        "a sandbox token": "refresh_token=%s" % ("x1" * 24),
    }
    for what, sample in samples.items():
        assert LEAKS[what].search(sample), what
    clean = ('"Authorization": ["Bearer <ACCESS_TOKEN_1>"] Bearer error=\\"invalid_token\\"'
             ' {\\"access_token\\":\\"<ACCESS_TOKEN_2>\\",'
             ' \\"password\\": \\"<BANK_PASSWORD>\\"} {\\"password\\": \\"wrong\\"}')
    assert [what for what, pattern in LEAKS.items() if pattern.search(clean)] == []
