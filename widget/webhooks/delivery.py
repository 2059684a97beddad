"""One delivery attempt, and when to try again: the same for the RQ worker and the thread."""
import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from widget.webhooks.signing import signature

# Retried for this long after the first failure, then given up (and logged): over a day.
RETRY_FOR_SECONDS = 25 * 3600
# The pause between attempts doubles from WEBHOOK_RETRY_BASE_SECONDS up to this.
MOST_DELAY_SECONDS = 3600
logger = logging.getLogger("passerelle.webhooks")


@dataclass(frozen=True)
class Delivery:
    """One event for one client: the body is made once, so every attempt sends the same bytes."""

    client_id: str
    url: str
    event_id: str
    session_digest: str  # what the logs name the session by (widget/events.py does the same)
    body: str

    def sealed(self, cipher: Any) -> str:
        # The body names the session, whose id drives its widget: sealed like the session.
        return str(cipher.seal(json.dumps(asdict(self))))

    @classmethod
    def opened(cls, cipher: Any, sealed: bytes | str) -> "Delivery | None":
        text = cipher.open(sealed)
        return cls(**json.loads(text)) if text else None


def delivery_for(client_id: str, url: str, session_id: str,
                 event: dict[str, Any]) -> Delivery:
    body = json.dumps({**event, "widget_session_id": session_id}, separators=(",", ":"))
    digest = hashlib.sha256(session_id.encode()).hexdigest()[:16]
    return Delivery(client_id, url, event["event_id"], digest, body)


def attempt(delivery: Delivery, secret: str, timeout: float) -> bool:
    """POST it, signed now; True when the receiver answered 2xx (a redirect is not followed)."""
    body = delivery.body.encode()
    headers = {"Content-Type": "application/json", "Passerelle-Event-Id": delivery.event_id,
               "Passerelle-Signature": signature(secret, body, int(time.time()))}
    outcome = {"event_id": delivery.event_id, "session": delivery.session_digest,
               "client_id": delivery.client_id, "host": urlsplit(delivery.url).hostname}
    try:
        answer = requests.post(delivery.url, data=body, headers=headers, timeout=timeout,
                               allow_redirects=False)
    except requests.RequestException as exc:
        logger.warning("webhook not delivered: %s", json.dumps(
            {**outcome, "failure": type(exc).__name__}))
        return False
    accepted = 200 <= answer.status_code < 300
    (logger.info if accepted else logger.warning)(
        "webhook %s: %s", "delivered" if accepted else "refused",
        json.dumps({**outcome, "status": answer.status_code}))
    return accepted


def retry_delay(failures: int, base: float) -> float:
    """Seconds before the next attempt after `failures` failures in a row (1, 2, ...)."""
    return float(min(base * 2 ** (failures - 1), MOST_DELAY_SECONDS))


def gives_up(first_failure: float, now: float) -> bool:
    return now - first_failure > RETRY_FOR_SECONDS


def given_up(delivery: Delivery) -> None:
    logger.error("webhook given up after %d hours: %s", RETRY_FOR_SECONDS // 3600, json.dumps(
        {"event_id": delivery.event_id, "session": delivery.session_digest,
         "client_id": delivery.client_id}))
