"""Client authentication against the Auth server (the widget keeps no secret of its own)."""
import hashlib
import re
import threading
import time

import requests

from widget.upstream.http_session import ProcessSession, pooled
from widget.upstream.errors import NetworkError

_http = pooled(ProcessSession())
_verified: dict[str, float] = {}  # sha256(token endpoint, client id, secret) -> monotonic expiry of the answer
_verified_lock = threading.Lock()
# RFC 6749 appendix A.1-A.2: a client id and secret are VSCHAR, printable ASCII. Anything else
# cannot be a client's (and requests' Basic encoding, latin-1, would fail on it or send bytes
# that are not UTF-8), so it is refused here as wrong credentials, without asking the server.
VSCHARS = re.compile(r"[\x20-\x7e]*")


def _cache_key(token_endpoint: str, client_id: str, client_secret: str) -> str:
    material = "\0".join((token_endpoint, client_id, client_secret)).encode()
    return hashlib.sha256(material).hexdigest()


def client_is_valid(token_endpoint: str, client_id: str | None, client_secret: str | None,
                    cache_seconds: float = 60,
                    timeout: tuple[float, float] = (3.05, 15)) -> bool:
    """True when the Auth server grants `client_credentials` to this client.

    A good answer is kept `cache_seconds` in this process only (a cache, not state): a revoked
    secret stops working within that delay. Raises NetworkError when the server cannot answer.
    """
    if not client_id or not client_secret:
        return False
    if not VSCHARS.fullmatch(client_id) or not VSCHARS.fullmatch(client_secret):
        return False
    key = _cache_key(token_endpoint, client_id, client_secret)
    with _verified_lock:
        if _verified.get(key, 0) > time.monotonic():
            return True
    try:
        response = _http.post(token_endpoint, data={"grant_type": "client_credentials"},
                              auth=(client_id, client_secret), timeout=timeout,
                              headers={"Accept": "application/json"})
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise NetworkError("network_error", type(exc).__name__).on(
            "POST", token_endpoint) from None
    if response.status_code >= 500:
        raise NetworkError("auth_server_error", str(response.status_code)).on(
            "POST", token_endpoint)
    if response.status_code != 200:
        return False
    with _verified_lock:
        _verified[key] = time.monotonic() + cache_seconds
    return True


def auth_server_answers(token_endpoint: str, timeout: float | tuple[float, float]) -> bool:
    """True when the Auth server answers at all (any status under 500), with no credentials sent.

    A GET of the token endpoint is refused (405) by a healthy server: that proves the address,
    the TLS and the server's process without trying a grant that could trip its alarms.
    """
    try:
        response = _http.get(token_endpoint, timeout=timeout, allow_redirects=False)
    except requests.RequestException:
        return False
    return response.status_code < 500
