"""Every agreement a person may see, across chats, newest first: the Mini App's list.

Filtered by chat, by state and by a piece of the text, and paged by a cursor (the last
agreement's id), so a page costs the same however far down it is. Which ids make the page
is bot/agreements/page_query.py; here they become what the list shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.agreements.page_query import OverviewQuery, State, page_ids
from bot.agreements.views import AgreementView, load_views
from bot.agreements.visibility import Reach
from bot.db.dialect import is_postgres
from bot.db.loading import with_parties
from bot.db.models import Agreement, MessageDeletion


@dataclass(frozen=True, slots=True)
class OverviewItem:
    view: AgreementView  # with its chat's title
    state: State
    awaiting: bool
    deleted: bool


@dataclass(frozen=True, slots=True)
class OverviewPage:
    items: list[OverviewItem]
    next_cursor: int | None  # pass as ``before`` for the next page; None: this is the last


def state_of(view: AgreementView) -> State:
    if view.amendment:
        return State.EDITED if view.edits_since_amendment else State.AMENDED
    return State.EDITED if view.edits else State.INTACT


def is_awaiting(view: AgreementView) -> bool:
    return len(view.parties) < 2


async def overview_page(session: AsyncSession, reach: Reach, query: OverviewQuery) -> OverviewPage:
    postgres = is_postgres(session)
    if postgres:
        # The planner prices each group's part as if it read the whole group, and above
        # jit_above_cost compiles the plan first: 150 ms of a 155 ms page, measured.
        await session.execute(text("SET LOCAL jit = off"))
    ids = list(await session.scalars(page_ids(reach, query, postgres=postgres)))
    more = len(ids) > query.limit
    ids = ids[: query.limit]
    agreements = list(
        await session.scalars(
            with_parties(select(Agreement), chat=False)
            .options(joinedload(Agreement.chat))
            .where(Agreement.id.in_(ids))
            .order_by(Agreement.id.desc())
        )
    )
    views = await load_views(session, agreements, with_chat=True)
    deleted = set(
        await session.scalars(
            select(MessageDeletion.agreement_id).where(MessageDeletion.agreement_id.in_(ids))
        )
    )
    items = [OverviewItem(v, state_of(v), is_awaiting(v), v.id in deleted) for v in views]
    return OverviewPage(items, ids[-1] if more and ids else None)
