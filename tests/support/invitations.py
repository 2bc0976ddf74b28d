"""Inviting a counterpart by email, as the stories do it: the bot allowed to delete
messages, a party's /agree with an address, the invitation mail's links read back, and
what the bot stored about invited addresses."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.core.signed_links import LinkSigner, link_key
from bot.db.models import EmailParty, RefusedAddress, User
from tests.botapi import BotAPIServer
from tests.botapi.scenario import Group
from tests.support.identity import TOKEN
from tests.support.mails import text_of
from tests.support.stored import session_on

SIGNER = LinkSigner(link_key(TOKEN))  # the bot's key: the confirm pages read links with it
_LINK = re.compile(r"(https?://\S+)/i/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")


def bot_may_delete(api: BotAPIServer, group: Group, may: bool = True) -> None:
    """The bot is an administrator of the group, with the right to delete or without."""
    api.set_chat_member_status(
        group.id, api.bot_user["id"], "administrator", can_delete_messages=may
    )


def link_tokens(message: Any, base_url: str) -> tuple[str, str]:
    """The confirm and the refuse token of an invitation, in that order (its text part),
    each under ``base_url``/i/."""
    found = _LINK.findall(text_of(message))
    assert [base for base, _ in found] == [base_url, base_url], found
    [confirm, refuse] = [token for _, token in found]
    return confirm, refuse


async def email_parties(database_url: str) -> list[EmailParty]:
    async with session_on(database_url) as session:
        return list(await session.scalars(select(EmailParty).order_by(EmailParty.id)))


async def refused_by_owner(database_url: str, address: str, sender_id: int) -> None:
    """What the refuse page stores when an address's owner says "not me" (that page is
    another part's): a row in refused_addresses."""
    async with session_on(database_url) as session:
        if await session.get(User, sender_id) is None:
            now = datetime.now(UTC)
            session.add(User(id=sender_id, first_name="Sender", created_at=now, updated_at=now))
            await session.flush()  # no relationship orders the two inserts
        session.add(
            RefusedAddress(address=address, sender_id=sender_id, refused_at=datetime.now(UTC))
        )
        await session.commit()
