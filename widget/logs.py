"""JSON log lines for tracked events; nothing secret is ever passed to them."""
import json
import logging
import sys

EVENT_LOGGER = "passerelle.events"


class JsonLineFormatter(logging.Formatter):
    def format(self, record):
        payload = getattr(record, "payload", None) or {"message": record.getMessage()}
        return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def init_app(app):
    logger = logging.getLogger(EVENT_LOGGER)
    if not any(isinstance(h.formatter, JsonLineFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = True  # so tests can capture the lines with caplog


def log_event(payload):
    logging.getLogger(EVENT_LOGGER).info(payload["name"], extra={"payload": payload})
