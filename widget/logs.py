"""JSON log lines for tracked events; nothing secret is ever passed to them."""
import json
import logging
import sys

EVENT_LOGGER = "passerelle.events"
# The logger itself, not looked up by name at each line (getLogger takes logging's lock): a
# logger lives as long as the process.
EVENTS = logging.getLogger(EVENT_LOGGER)
# One encoder for every line: json.dumps makes a new one at each call given any option.
LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


class JsonLineFormatter(logging.Formatter):
    def format(self, record):
        payload = getattr(record, "payload", None) or {"message": record.getMessage()}
        return LINE_ENCODER.encode(payload)


def init_app(app):
    logger = EVENTS
    if not any(isinstance(h.formatter, JsonLineFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = True  # so tests can capture the lines with caplog


def log_event(payload):
    logger = EVENTS
    if logger.isEnabledFor(logging.INFO):
        # Handed to the handlers as `info` would, without looking up the caller's file and line
        # in the stack, which no event line shows (a search logs one line: a fifth of it): the
        # record's pathname is "(events)", its lineno 0 and its funcName None.
        logger.handle(logger.makeRecord(EVENT_LOGGER, logging.INFO, "(events)", 0,
                                        payload["name"], (), None, extra={"payload": payload}))
