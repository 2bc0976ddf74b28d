"""Lists of agreements: a chat's, and a person's across chats."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.agreements.views import AgreementPage, load_views
from bot.db.loading import with_parties
from bot.db.models import Agreement, Party
from bot.mail.service import Service


class ListingService(Service):
    async def list_page(self, chat_id: int, page: int, page_size: int) -> AgreementPage:
        total = await self._session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.chat_id == chat_id)
        )
        pages, page = _paged(total or 0, page, page_size)
        agreements = await self._session.scalars(
            with_parties(select(Agreement), chat=False)
            .where(Agreement.chat_id == chat_id)
            .order_by(Agreement.number.desc())
            .offset(page * page_size)
            .limit(page_size)
        )
        return AgreementPage(await load_views(self._session, list(agreements)), page, pages)

    async def list_for_party(self, user_id: int, page: int, page_size: int) -> AgreementPage:
        """A person's agreements in every chat, newest first (a private /agreements)."""
        mine = select(Party.agreement_id).where(Party.user_id == user_id)
        total = await self._session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.id.in_(mine))
        )
        pages, page = _paged(total or 0, page, page_size)
        agreements = await self._session.scalars(
            with_parties(select(Agreement))
            .where(Agreement.id.in_(mine))
            .order_by(Agreement.marked_at.desc(), Agreement.id.desc())
            .offset(page * page_size)
            .limit(page_size)
        )
        return AgreementPage(
            await load_views(self._session, list(agreements), with_chat=True), page, pages
        )


def _paged(total: int, page: int, page_size: int) -> tuple[int, int]:
    """How many pages ``total`` items make (at least one), and ``page`` brought into them."""
    pages = max(1, -(-total // page_size))
    return pages, min(max(page, 0), pages - 1)
