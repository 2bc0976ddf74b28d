"""For the invitation pages' tests: an address invited to an agreement, as ``/agree
client@example.com`` leaves it (the invitation row, and its mail recorded as sent), and the
two links of its mail, signed as the bot signs them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.core.signed_links import LinkSigner, link_key
from bot.db.models import Agreement, EmailParty, Mail, MailStatus
from bot.mail import kinds
from tests.botapi.scenario import Group, Person
from tests.support.identity import TOKEN
from tests.support.mails import header_digest, is_agreement
from tests.support.site import OFFER, Site
from tests.support.stored import session_on

CLIENT = "client@example.com"
INVITATION_MESSAGE_ID = "<invitation-1@agreements.test>"
SIGNER = LinkSigner(link_key(TOKEN))


@dataclass(frozen=True, slots=True)
class Invited:
    party_id: int
    confirm: str  # the "I confirm this agreement" link's path
    refuse: str  # the "This is not me" link's path


def link(purpose: str, party_id: int, *, days: float = 14) -> str:
    expires = datetime.now(UTC) + timedelta(days=days)
    return f"/i/{SIGNER.sign(purpose, str(party_id), expires)}"


async def invite(
    database_url: str,
    digest: str,
    added_by_id: int,
    *,
    address: str = CLIENT,
    language: str = "ru",
) -> Invited:
    """The invitation of ``address`` to the agreement sealed as ``digest``, added by a
    party, and its mail as sent (the thread later mails go on)."""
    now = datetime.now(UTC)
    async with session_on(database_url) as session:
        agreement = await session.scalar(select(Agreement).where(Agreement.digest == digest))
        assert agreement is not None
        party = EmailParty(
            agreement_id=agreement.id,
            address=address,
            language=language,
            added_by_id=added_by_id,
            added_at=now,
        )
        session.add(party)
        await session.flush()
        session.add(
            Mail(
                kind=kinds.INVITATION,
                topic=f"invitation:{party.id}",
                agreement_id=agreement.id,
                to_address=address,
                message_id=INVITATION_MESSAGE_ID.replace("1", str(party.id)),
                raw=b"",
                status=MailStatus.SENT,
                attempts=1,
                created_at=now,
                next_attempt_at=now,
                sent_at=now,
            )
        )
        await session.commit()
        return Invited(party.id, link("confirm", party.id), link("refuse", party.id))


@dataclass
class Story:
    ann: Person  # marked the offer and invited the client (English)
    ben: Person  # wrote the offer (Russian)
    group: Group
    offer: dict[str, Any]
    digest: str  # the agreement's
    invited: Invited


async def invited_client(site: Site, database_url: str, *, language: str = "ru") -> Story:
    """Ann (English) marks Ben's offer in "Kitchen renovation"; both have addresses. Then
    she invites client@example.com to it, as ``/agree client@example.com`` would."""
    harness = site.harness
    ann = harness.world.user("Ann", "Lee", username="ann", language_code="en")
    ben = harness.world.user("Ben", username="ben", language_code="ru")
    group = harness.world.group("Kitchen renovation")
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")
    offer = ben.says(group, OFFER)
    ann.says(group, "/agree Stage 1", reply_to=offer)
    await harness.world.bot_reply(group)
    mails = await harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    digest = header_digest(mails[0].message)
    invited = await invite(database_url, digest, ann.id, language=language)
    return Story(ann, ben, group, offer, digest, invited)
