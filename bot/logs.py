"""Logging set-up: readable lines, or JSON lines (LOG_FORMAT=json) for log collectors.

Events already name their ids as ``key=value`` (chat=…, agreement=…, update=…); the JSON
form lifts those into fields of their own, so a collector can filter by them.

Logs travel further than the database (collectors, tickets, screenshots), so no line
names a person's email address: both formats mask every address in the message and the
traceback (``a***@example.com``), whoever wrote it: our events, a relay's reply, a library.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_IDS = re.compile(r"\b([a-z_]+)=([^\s,;:]+)")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# An address as it shows up in free text: a local part up to a delimiter, and a domain
# whose last label starts with a letter (user@127.0.0.1 stays as it is). Parts are bounded
# by their lengths in RFC 5321, which keeps the search linear.
_ADDRESS = re.compile(r"[^\s<>()\[\]\",;:@]{1,64}@(?:[\w-]{1,63}\.){1,126}[^\W\d_][\w-]{0,62}")
# The bot's own Message-IDs look like addresses but name no one; operators look them up.
_MESSAGE_ID_KEY = "message_id=<"


def mask_address(address: str) -> str:
    """``ann.smith@example.com`` -> ``a***@example.com``: enough to tell mails apart."""
    local, at, domain = address.rpartition("@")
    if not at:
        return address[:1] + "***"
    return f"{local[:1]}***@{domain}"


def mask_addresses(text: str) -> str:
    """``text`` with every email address in it masked."""
    if "@" not in text:  # most lines: no search
        return text

    def masked(found: re.Match[str]) -> str:
        address = found.group()
        if text.endswith(_MESSAGE_ID_KEY, 0, found.start()):
            return address
        if address.startswith("//"):  # a URL's //user@host.example: the URL still reads
            return "//" + mask_address(address[2:])
        return mask_address(address)

    return _ADDRESS.sub(masked, text)


class MaskedFormatter(logging.Formatter):
    """The readable line, addresses masked (the traceback's too)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_addresses(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = mask_addresses(record.getMessage())
        event: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for key, value in _IDS.findall(message):
            event.setdefault(key, int(value) if value.lstrip("-").isdigit() else value)
        if record.exc_info:
            event["exception"] = mask_addresses(self.formatException(record.exc_info))
        if record.stack_info:
            event["stack"] = mask_addresses(self.formatStack(record.stack_info))
        return json.dumps(event, ensure_ascii=False, default=str)


def log_formatter(log_format: str) -> logging.Formatter:
    """LOG_FORMAT's formatter: ``json``, or readable text."""
    return JsonFormatter() if log_format == "json" else MaskedFormatter(TEXT_FORMAT)


def configure_logging(level: str, log_format: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter(log_format))
    logging.basicConfig(level=level, handlers=[handler])
