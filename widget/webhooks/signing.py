"""`Passerelle-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, as
Stripe signs its webhooks: the timestamp inside the signature makes a replayed delivery stale."""
import hashlib
import hmac
import time

# A receiver refuses a signature older than this (README.md shows it doing so).
TOLERANCE_SECONDS = 300


def signature(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return "t=%d,v1=%s" % (timestamp, mac)


def verified(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """True when `header` signs `body` with `secret`, less than TOLERANCE_SECONDS ago."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
