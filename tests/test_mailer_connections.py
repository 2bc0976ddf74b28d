"""SmtpSender keeps a batch's connection for the next batches, and copes when it is gone."""

from __future__ import annotations

import asyncio

from mailer import SmtpConfig, SmtpSender
from tests.support.mailbox import Mailbox

MESSAGE = b"From: bot@agreements.test\r\nTo: ann@example.com\r\nSubject: x\r\n\r\nhello\r\n"


def sender_for(mailbox: Mailbox, **options: float) -> SmtpSender:
    return SmtpSender(SmtpConfig(host="127.0.0.1", port=mailbox.port, security="none"), **options)


async def send_batch(sender: SmtpSender, count: int = 1) -> None:
    async with sender.batch() as batch:
        for _ in range(count):
            await batch.send_raw("bot@agreements.test", ["ann@example.com"], MESSAGE)


async def test_batches_one_after_another_share_one_connection(mailbox: Mailbox) -> None:
    sender = sender_for(mailbox)
    for _ in range(3):
        await send_batch(sender, count=2)
    assert len(mailbox.received) == 6
    assert mailbox.connections == 1
    await sender.close()


async def test_batches_at_once_each_get_a_connection_then_both_are_kept(
    mailbox: Mailbox,
) -> None:
    sender = sender_for(mailbox)
    await asyncio.gather(send_batch(sender), send_batch(sender))
    await asyncio.gather(send_batch(sender), send_batch(sender))
    assert len(mailbox.received) == 4
    assert mailbox.connections == 2
    await sender.close()


async def test_a_connection_the_server_dropped_while_idle_is_replaced(mailbox: Mailbox) -> None:
    sender = sender_for(mailbox)
    await send_batch(sender)
    mailbox.hang_up()
    await asyncio.sleep(0.05)  # the hang-up reaches the client
    await send_batch(sender)  # no error: sent over a new connection
    assert len(mailbox.received) == 2
    assert mailbox.connections == 2
    await sender.close()


async def test_a_send_on_a_kept_connection_the_server_just_dropped_goes_again(
    mailbox: Mailbox,
) -> None:
    sender = sender_for(mailbox)
    await send_batch(sender)
    mailbox.hang_up()  # the client learns of it only when it speaks (MAIL FROM)
    await send_batch(sender, count=2)
    assert len(mailbox.received) == 3
    assert mailbox.connections == 2
    await sender.close()


async def test_a_connection_idle_too_long_is_not_used_again(mailbox: Mailbox) -> None:
    sender = sender_for(mailbox, keep_idle=0.05)
    await send_batch(sender)
    await asyncio.sleep(0.1)
    await send_batch(sender)
    assert mailbox.connections == 2
    await sender.close()


async def test_close_ends_the_kept_connections(mailbox: Mailbox) -> None:
    sender = sender_for(mailbox)
    await send_batch(sender)
    await sender.close()
    await send_batch(sender)  # nothing kept any more: a new connection
    assert mailbox.connections == 2
    await sender.close()
