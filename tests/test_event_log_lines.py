"""Tracked events as JSON log lines (widget/logs.py): one line each, through the events logger,
so that its level and handlers decide as for any other logger."""
import io
import json
import logging

import pytest

from widget.logs import EVENT_LOGGER, JsonLineFormatter, log_event

EVENT = {"event_id": "ev_00000002_0123456789abcdef", "name": "SEARCH_PROVIDER",
         "date": "2026-12-05T20:00:00.000Z", "widget": "add_connection",
         "data": {"search_length": 6, "count": 111}, "session": "Zürich"}


@pytest.fixture
def lines():
    logger = logging.getLogger(EVENT_LOGGER)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_an_event_is_one_json_line_with_its_keys_sorted(lines, caplog):
    _logger, stream = lines
    with caplog.at_level(logging.INFO, logger=EVENT_LOGGER):
        log_event(EVENT)
    written = stream.getvalue()
    assert written.count("\n") == 1 and json.loads(written) == EVENT
    assert written.index('"data"') < written.index('"date"') < written.index('"widget"')
    assert "Zürich" in written  # as it is, not \\u-escaped
    [record] = [r for r in caplog.records if r.name == EVENT_LOGGER]
    assert record.levelno == logging.INFO and record.getMessage() == "SEARCH_PROVIDER"


def test_a_logger_set_above_info_writes_no_event(lines):
    logger, stream = lines
    logger.setLevel(logging.WARNING)
    log_event(EVENT)
    assert stream.getvalue() == ""
