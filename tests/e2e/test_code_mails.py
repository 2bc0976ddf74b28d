"""Code mails go to addresses nobody has verified yet: they carry nothing the requester
chose, tell the requester nothing the mail server said, and leave no code behind."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.base import Base
from bot.db.models import Mail, MailStatus
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.mails import code_in
from tests.support.stored import connection_on, stored_mails

BAIT = "Your bank account is locked call +1 555 0100"


def readable(value: Any) -> Iterator[str]:
    """What a column's value says, also when it is a stored mail whose parts are encoded
    (base64, quoted-printable, encoded words)."""
    if isinstance(value, bytes):
        yield value.decode("latin-1")
        message = email.message_from_bytes(value, policy=email.policy.default)
        yield from (str(header) for header in message.values())
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                yield payload.decode("utf-8", "replace")
    elif value is not None:
        yield str(value)


async def stored_values(database_url: str) -> list[tuple[str, str, str]]:
    """Every value of every column of every table: (table, column, what it says)."""
    found = []
    async with connection_on(database_url) as connection:
        for table in Base.metadata.sorted_tables:
            for row in await connection.execute(select(table)):
                for column, value in row._mapping.items():
                    found += [(table.name, column, text) for text in readable(value)]
    return found


async def code_mails(database_url: str) -> list[Mail]:
    return await stored_mails(database_url, kind="verification_code")


async def test_a_code_mail_carries_no_text_the_requester_chose(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    mallory = world.user(BAIT, "urgent", username="bank_security_desk")
    mallory.says_private("/email victim@example.com")
    [mail] = await mailbox.wait_for(to="victim@example.com")

    message = mail.message
    code_in(message)  # it is the code mail
    said = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        said += [f"{name}: {value}" for name, value in part.items()]
        if part.get_content_maintype() == "text":
            said.append(part.get_content())
    everything = "\n".join(said).lower()
    for chosen in (BAIT, "bank", "555 0100", "urgent", "bank_security_desk"):
        assert chosen.lower() not in everything
    # What it does say: what this is about and what to do if it wasn't them.
    assert "someone asked" in everything and "ignore this email" in everything


async def test_no_code_is_kept_once_its_mail_is_sent(harness: Harness, database_url: str) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann = world.user("Ann")
    ann.says_private("/email ann@example.com")
    [mail] = await mailbox.wait_for(to="ann@example.com")
    code = code_in(mail.message)

    async def sent() -> bool:
        return [m.status for m in await code_mails(database_url)] == [MailStatus.SENT]

    await eventually(sent, what="the code mail marked sent")
    standalone = re.compile(rf"(?<!\d){code}(?!\d)")
    leaks = [(t, c) for t, c, text in await stored_values(database_url) if standalone.search(text)]
    assert leaks == []
    # The code still works: it was the only copy that went.
    ann.says_private(f"/verify {code}")
    await world.bot_reply(ann, lambda m: "✅" in m.get("text", ""))


@pytest.mark.expected_errors(r"mail rejected .*kind=verification_code.*550")
async def test_the_requester_is_not_told_what_the_mail_server_answered(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    refusal = "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"
    mailbox.reject["nobody@example.com"] = refusal
    for person, language_says in [
        (world.user("Eve", language_code="en"), "can't be reached"),
        (world.user("Ева", language_code="ru-RU"), "недоступен"),
    ]:
        person.says_private("/email nobody@example.com")
        await world.bot_reply(person)  # "I've sent a code"
        told = await world.bot_reply(person, lambda m: "⚠️" in m.get("text", ""))
        assert language_says in told["text"] and "nobody@example.com" in told["text"]
        for detail in ("550", "5.1.1", "rejected", "unknown", "User"):
            assert detail not in told["text"]
    # The operator keeps the server's answer.
    stored = await code_mails(database_url)
    assert [m.status for m in stored] == [MailStatus.FAILED] * 2
    assert all("User unknown" in (m.last_error or "") for m in stored)
    assert all(m.raw == b"" for m in stored)
