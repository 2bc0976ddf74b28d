"""JSON log lines carry the event's ids as fields; no line names an email address."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.logs import JsonFormatter, log_formatter, mask_address, mask_addresses


def test_a_json_line_lifts_the_ids_of_the_event() -> None:
    record = logging.LogRecord(
        "bot.agreements.marking",
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
    assert line["level"] == "INFO" and line["logger"] == "bot.agreements.marking"


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        (
            "sending to ann.smith@example.com failed: recipient refused "
            "(ann.smith@example.com: 550 5.1.1 <ann.smith@example.com>: unknown)",
            "sending to a***@example.com failed: recipient refused "
            "(a***@example.com: 550 5.1.1 <a***@example.com>: unknown)",
        ),
        ("to 'bob+deals@mail.example.org'.", "to '***@mail.example.org'."),
        ("пётр@пример.рф, x@münchen.de", "п***@пример.рф, x***@münchen.de"),
        # Not addresses: the bot's own Message-IDs, a database URL, an @username.
        (
            "mail sent mail=3 message_id=<agr.3f1c@agreements.test>",
            "mail sent mail=3 message_id=<agr.3f1c@agreements.test>",
        ),
        (
            "database postgresql+asyncpg://postgres@127.0.0.1:5432/agreements",
            "database postgresql+asyncpg://postgres@127.0.0.1:5432/agreements",
        ),
        ("starting as @agreements_bot", "starting as @agreements_bot"),
        (
            "database postgresql+asyncpg://bot@db.example.com/agreements",
            "database postgresql+asyncpg://b***@db.example.com/agreements",
        ),
    ],
)
def test_addresses_are_masked(line: str, logged: str) -> None:
    assert mask_addresses(line) == logged


def test_one_address_masked() -> None:
    assert mask_address("ann.smith@example.com") == "a***@example.com"
    assert mask_address("no-at-sign") == "n***"


@settings(deadline=None)  # the machine is shared; a slow example is not a wrong one
@given(st.emails().filter(lambda address: not address.startswith("//")))
def test_every_address_is_masked_whole(address: str) -> None:
    line = "mail rejected user=7: sending to {} failed (<{}>: 550 unknown)"
    masked = mask_address(address)
    assert mask_addresses(line.format(address, address)) == line.format(masked, masked)
    assert masked == f"{address[0]}***@{address.rpartition('@')[2]}"


def test_both_formats_mask_the_message_and_the_traceback() -> None:
    try:
        raise ValueError("relay said 550 <carol@example.net>")
    except ValueError:
        failure = sys.exc_info()
    record = logging.LogRecord(
        "bot.mail.outbox", logging.ERROR, __file__, 1, "to %s", ("carol@example.net",), failure
    )
    text = log_formatter("text").format(record)
    event = json.loads(log_formatter("json").format(record))
    assert "carol@" not in text and "to c***@example.net\nTraceback" in text
    assert event["message"] == "to c***@example.net"
    assert "carol@" not in event["exception"] and "c***@example.net" in event["exception"]
