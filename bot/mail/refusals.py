""" "This is not me / don't write to me again": the addresses whose owners refused the
invitations' mail, matched by mailbox (bot/core/addresses.py mailbox_key), so that the
refusal of ``client@`` holds for ``client+1@`` too.

A refusal is kept under the address as invited (what the per-sender rule joins on) and
under its mailbox key (what keeps every variant from being invited again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.addresses import mailbox_key
from bot.db.models import Mail, MailStatus, RefusedAddress
from bot.db.upsert import insert_ignoring_duplicates
from bot.logs import mask_address
from bot.mail import kinds

logger = logging.getLogger(__name__)
REFUSED = "not sent: the address refused this bot's invitations"


async def refuse(session: AsyncSession, address: str, sender_id: int, now: datetime) -> None:
    """Record the refusal (both keys, first refusal kept), and withdraw every invitation
    still waiting to go to that mailbox, whoever sent it. The caller commits."""
    for key in {address, mailbox_key(address)}:
        await session.execute(
            insert_ignoring_duplicates(session, RefusedAddress).values(
                address=key, sender_id=sender_id, refused_at=now
            )
        )
    waiting = await session.scalars(
        select(Mail).where(Mail.kind == kinds.INVITATION, Mail.status == MailStatus.PENDING)
    )
    for mail in waiting:
        if mailbox_key(mail.to_address) == mailbox_key(address):
            withhold(mail)


async def refused_among(session: AsyncSession, addresses: Iterable[str]) -> set[str]:
    """Those of ``addresses`` whose mailbox refused the invitations (anyone's)."""
    keys = {address: mailbox_key(address) for address in addresses}
    if not keys:
        return set()
    found = set(
        await session.scalars(
            select(RefusedAddress.address).where(
                RefusedAddress.address.in_(set(keys) | set(keys.values()))
            )
        )
    )
    return {address for address, key in keys.items() if address in found or key in found}


def withhold(mail: Mail) -> None:
    """An invitation that must not go: failed, its bytes (the signed links) wiped."""
    mail.status = MailStatus.FAILED
    mail.last_error = REFUSED
    mail.raw = b""
    logger.info("invitation withheld mail=%s to=%s", mail.id, mask_address(mail.to_address))
