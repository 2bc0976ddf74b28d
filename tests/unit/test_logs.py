"""JSON log lines carry the event's ids as fields."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter


def test_a_json_line_lifts_the_ids_of_the_event() -> None:
    record = logging.LogRecord(
        "bot.services.agreements",
        logging.INFO,
        __file__,
        1,
        "agreement recorded chat=%s agreement=%s number=%s message=%s",
        (-1001234, 17, 3, 45),
        None,
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "agreement recorded chat=-1001234 agreement=17 number=3 message=45"
    assert (line["chat"], line["agreement"], line["number"]) == (-1001234, 17, 3)
    assert line["level"] == "INFO" and line["logger"] == "bot.services.agreements"
