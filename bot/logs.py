"""Logging set-up: readable lines, or JSON lines (LOG_FORMAT=json) for log collectors.

Events already name their ids as ``key=value`` (chat=…, agreement=…, update=…); the JSON
form lifts those into fields of their own, so a collector can filter by them.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_IDS = re.compile(r"\b([a-z_]+)=([^\s,;:]+)")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        event: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for key, value in _IDS.findall(message):
            event.setdefault(key, int(value) if value.lstrip("-").isdigit() else value)
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)


def configure_logging(level: str, log_format: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=level, handlers=[handler])
