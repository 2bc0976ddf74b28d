"""How several stories begin: an agreement marked and mailed, a business chat connected.
Each step is what users do in the chat, through the harness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.botapi import BotAPIServer
from tests.botapi.scenario import Group, Person
from tests.botapi.scenario_business import BusinessConnection
from tests.support.bot_in_process import bot_settings
from tests.support.dkim_keys import DkimKeys, make_keys
from tests.support.harness import Harness, running_harness
from tests.support.mailbox import Mailbox, ReceivedMail
from tests.support.mails import is_agreement

OFFER = "Price 150 000"  # what Ben offers in received_agreement


async def agreed_between(
    harness: Harness,
) -> tuple[Person, Person, Group, dict[str, Any], dict[str, Any]]:
    """Bob writes a price, Alice marks it; both have verified addresses and their mails.
    Alice, her card and her mail speak English; Bob speaks Russian."""
    world = harness.world
    alice = world.user("Alice", language_code="en")
    bob = world.user("Bob", language_code="ru")
    group = world.group("Supplies")
    await harness.register(alice, "alice@example.com")
    await harness.register(bob, "bob@example.com")
    offer = bob.says(group, "We agreed on 150 000 for stage 1")
    alice.says(group, "/agree", reply_to=offer)
    card = await world.bot_reply(group)
    await agreement_mails(harness.mailbox, "alice@example.com", "bob@example.com")
    return alice, bob, group, offer, card


async def amended_between(
    harness: Harness,
) -> tuple[Person, Person, Group, dict[str, Any], dict[str, Any]]:
    """``agreed_between``, then Bob edits the price to 120 000 and both accept the edit:
    amendment #1.1, announced in the chat. Alice, Bob, the group, the offer, the alert."""
    alice, bob, group, offer, _card = await agreed_between(harness)
    bob.edits(offer, "We agreed on 120 000 for stage 1")
    alert = await harness.world.bot_reply(group)
    alice.presses(alert, "✅ Accept new version")
    bob.presses(alert, "✅ Accept new version")
    await harness.world.bot_reply(group, lambda m: "Amendment #1.1" in m.get("text", ""))
    return alice, bob, group, offer, alert


async def received_agreement(harness: Harness, file: bytes | None = None) -> bytes:
    """Ann, with a verified address, marks Ben's offer in "Team" (``OFFER``, or a file
    offer.pdf with that caption): the agreement mail she receives, as it came."""
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, "ann@example.com")
    if file is None:
        offer = ben.says(group, OFFER)
    else:
        offer = ben.sends_document(group, file, file_name="offer.pdf", caption=OFFER)
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group)
    [mail] = await agreement_mails(harness.mailbox, "ann@example.com")
    return mail.raw


async def signed_agreement(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, folder: Path
) -> tuple[bytes, DkimKeys]:
    """``received_agreement`` from a bot that signs its mail with new DKIM keys (made in
    ``folder``): the mail, and the keys."""
    keys = make_keys(folder)
    settings = bot_settings(api, mailbox, database_url, **keys.settings())
    async with running_harness(settings, api, mailbox) as harness:
        return await received_agreement(harness), keys


async def agreement_mails(
    mailbox: Mailbox, *addresses: str, timeout: float = 10
) -> list[ReceivedMail]:
    """The agreement mail each address received, one each, in the order named."""
    mails = []
    for address in addresses:
        [mail] = await mailbox.wait_for(to=address, where=is_agreement, timeout=timeout)
        mails.append(mail)
    return mails


async def connected(
    harness: Harness, *, can_reply: bool = True
) -> tuple[Person, Person, BusinessConnection, dict[str, Any]]:
    """Olga (Russian) connects the bot to her Telegram Business account; Carl (English) is
    her client. Both have verified addresses. The owner, the client, the connection, and
    the bot's hello to Olga."""
    world = harness.world
    owner = world.user("Olga", "Petrova", language_code="ru")
    client = world.user("Carl", language_code="en")
    await harness.register(owner, "olga@example.com")
    await harness.register(client, "carl@example.com")
    connection = world.business_connection(owner, can_reply=can_reply)
    hello = await world.bot_reply(owner, lambda m: "Telegram Business" in m["text"])
    return owner, client, connection, hello
