"""Agreements as the chat shows them: parties, whether each has an address, status."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.directory import verified_addresses
from bot.core.labels import label
from bot.core.people import full_name
from bot.db.models import Agreement, Amendment, MessageVersion, PartyRole
from bot.mail.letters import summary_of


@dataclass(frozen=True, slots=True)
class PartyView:
    user_id: int
    name: str
    username: str | None
    role: PartyRole
    has_email: bool


@dataclass(frozen=True, slots=True)
class AgreementView:
    id: int
    chat_id: int
    number: int
    title: str | None
    summary: str
    message_id: int
    message_date: datetime
    marked_at: datetime
    digest: str
    answer_message_id: int | None
    answer_language: str
    parties: list[PartyView]
    thread_id: int | None = None  # the forum topic of the marked message
    chat_title: str | None = None
    edits: int = 0  # later versions of the message seen so far
    amendment: int | None = None  # the latest amendment's k in #N.k, if any
    edits_since_amendment: int = 0

    @property
    def amendment_label(self) -> str | None:
        return label(self.number, self.amendment) if self.amendment else None


@dataclass(frozen=True, slots=True)
class AgreementPage:
    items: list[AgreementView]
    page: int
    pages: int


async def load_views(
    session: AsyncSession, agreements: list[Agreement], *, with_chat: bool = False
) -> list[AgreementView]:
    """Needs each agreement's parties with their users (and chat, ``with_chat``) loaded."""
    party_ids = list({p.user_id for a in agreements for p in a.parties})
    addresses = await verified_addresses(session, party_ids)
    ids = [a.id for a in agreements]
    edits: dict[int, int] = dict(
        (
            await session.execute(
                select(MessageVersion.agreement_id, func.count())
                .where(MessageVersion.agreement_id.in_(ids))
                .group_by(MessageVersion.agreement_id)
            )
        ).all()
    )
    # The latest amendment of each, and which version of the message it made agreed.
    amendments: dict[int, tuple[int, int]] = {}
    for agreement_id, number, version in await session.execute(
        select(Amendment.agreement_id, Amendment.number, MessageVersion.number)
        .join(MessageVersion, MessageVersion.id == Amendment.version_id)
        .where(Amendment.agreement_id.in_(ids))
        .order_by(Amendment.number)
    ):
        amendments[agreement_id] = (number, version)
    return [
        replace(
            _view(agreement, addresses),
            chat_title=agreement.chat.title if with_chat else None,
            edits=edits.get(agreement.id, 0),
            amendment=amendments.get(agreement.id, (None, 0))[0],
            edits_since_amendment=edits.get(agreement.id, 0)
            - amendments.get(agreement.id, (None, 0))[1],
        )
        for agreement in agreements
    ]


def new_view(agreement: Agreement, addresses: dict[int, str]) -> AgreementView:
    """The view of an agreement recorded in this transaction: no edits, no amendments yet.
    Needs its parties' users loaded."""
    return _view(agreement, addresses)


def _view(agreement: Agreement, addresses: dict[int, str]) -> AgreementView:
    parties = [
        PartyView(
            user_id=party.user_id,
            name=full_name(party.user.first_name, party.user.last_name),
            username=party.user.username,
            role=party.role,
            has_email=party.user_id in addresses,
        )
        for party in agreement.parties
    ]
    return AgreementView(
        id=agreement.id,
        chat_id=agreement.chat_id,
        number=agreement.number,
        title=agreement.title,
        summary=summary_of(agreement.text),
        message_id=agreement.message_id,
        message_date=agreement.message_date,
        marked_at=agreement.marked_at,
        digest=agreement.digest,
        answer_message_id=agreement.answer_message_id,
        answer_language=agreement.answer_language,
        parties=parties,
        thread_id=agreement.thread_id,
    )
