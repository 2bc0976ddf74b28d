"""Recipients' addresses stay out of the log, in both formats, whatever the relay answers."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import log_formatter
from tests.support.harness import Harness
from tests.support.logs import watching

ADDRESS = "ann.smith@example.com"
MASKED = "a***@example.com"


@pytest.fixture
def bot_log() -> Iterator[dict[str, io.StringIO]]:
    """What the bot writes at LOG_FORMAT=text and at LOG_FORMAT=json, INFO and up (not the
    test's SMTP server, which logs as mail.log in the same process)."""
    streams = {log_format: io.StringIO() for log_format in ("text", "json")}
    handlers = []
    for log_format, stream in streams.items():
        handler = logging.StreamHandler(stream)
        handler.setFormatter(log_formatter(log_format))
        handler.setLevel(logging.INFO)
        handler.addFilter(lambda record: not record.name.startswith("mail.log"))
        handlers.append(handler)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield streams
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.expected_errors(r"mail deferred .*450", r"mail rejected .*550")
async def test_deferred_and_refused_deliveries_log_no_address(
    harness: Harness, bot_log: dict[str, io.StringIO]
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, ADDRESS)

    # Relays echo the recipient in their replies, as Postfix does.
    mailbox.reject[ADDRESS] = f"450 4.2.1 <{ADDRESS}>: Recipient address rejected: try later"
    offer = ben.says(group, "Deal at 300")
    with watching("bot.mail.outbox") as log:
        ann.says(group, "/agree", reply_to=offer)
        await world.bot_reply(group)
        deferred = await log.wait_for("mail deferred")
        mailbox.reject[ADDRESS] = f"550 5.1.1 <{ADDRESS}>: Recipient address rejected: unknown"
        refused = await log.wait_for("mail rejected")
    # The lines say what happened, and to whom only by the masked address.
    assert "450" in deferred and "550" in refused
    await world.bot_reply(ann, lambda m: "could not be delivered" in m.get("text", ""))

    for log_format, stream in bot_log.items():
        written = stream.getvalue()
        assert "mail deferred" in written and "mail rejected" in written, log_format
        assert ADDRESS not in written and "ann.smith" not in written, log_format
        assert MASKED in written, log_format
    events = [json.loads(line) for line in bot_log["json"].getvalue().splitlines()]
    rejected = next(event for event in events if "mail rejected" in event["message"])
    assert rejected["level"] == "ERROR" and MASKED in rejected["message"]
