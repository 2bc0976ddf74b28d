"""Every agreement a person may see, across chats, newest first: the Mini App's list.

Filtered by chat, by state and by a piece of the text, and paged by a cursor (the last
agreement's id), so a page costs the same however far down it is. Every condition runs
inside the person's visible set (bot/agreements/visibility.py), which keeps a search as
cheap as the set is small.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from bot.agreements.views import AgreementView, load_views, with_parties
from bot.agreements.visibility import Reach
from bot.db.folding import folded
from bot.db.models import Agreement, Amendment, MessageDeletion, MessageVersion, Party

PAGE_SIZE = 20
SEARCH_MAX_LENGTH = 100


class State(enum.StrEnum):
    """Where an agreement stands. The first three exclude each other; "awaiting" is told
    apart from them: an agreement nobody joined yet is also intact, edited or amended."""

    INTACT = "intact"  # never edited
    EDITED = "edited"  # edited since it was last agreed (an edit awaits acceptance)
    AMENDED = "amended"  # an amendment stands, and the message reads as it
    AWAITING = "awaiting"  # fewer than two parties: nobody has joined whoever marked it


@dataclass(frozen=True, slots=True)
class OverviewQuery:
    chat_id: int | None = None
    state: State | None = None
    search: str | None = None  # at most SEARCH_MAX_LENGTH characters, any case
    before: int | None = None  # the cursor: only agreements older than this id
    limit: int = PAGE_SIZE


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
    ids = list(await session.scalars(_page_ids(reach, query).limit(query.limit + 1)))
    more = len(ids) > query.limit
    ids = ids[: query.limit]
    agreements = list(
        await session.scalars(
            with_parties(select(Agreement))
            .options(selectinload(Agreement.chat))
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


def _page_ids(reach: Reach, query: OverviewQuery) -> Select[int]:
    statement = select(Agreement.id).where(reach.covers())
    if query.chat_id is not None:
        statement = statement.where(Agreement.chat_id == query.chat_id)
    if query.before is not None:
        statement = statement.where(Agreement.id < query.before)
    if query.state is not None:
        statement = statement.where(_in_state(query.state))
    if query.search:
        term = query.search[:SEARCH_MAX_LENGTH].lower()
        statement = statement.where(
            or_(
                folded(Agreement.text).contains(term, autoescape=True),
                folded(Agreement.title).contains(term, autoescape=True),
            )
        )
    return statement.order_by(Agreement.id.desc())


def _in_state(state: State) -> ColumnElement[bool]:
    if state is State.AWAITING:
        parties = select(func.count()).where(Party.agreement_id == Agreement.id)
        return parties.scalar_subquery() < 2
    edited = exists().where(MessageVersion.agreement_id == Agreement.id)
    if state is State.INTACT:
        return ~edited
    amended_version = aliased(MessageVersion)
    last_agreed = (
        select(func.max(amended_version.number))
        .join(Amendment, Amendment.version_id == amended_version.id)
        .where(Amendment.agreement_id == Agreement.id)
        .correlate(Agreement)  # two levels down: SQLAlchemy would not see it by itself
        .scalar_subquery()
    )
    edited_since = exists().where(
        MessageVersion.agreement_id == Agreement.id,
        MessageVersion.number > func.coalesce(last_agreed, 0),
    )
    if state is State.EDITED:
        return edited_since
    amended = exists().where(Amendment.agreement_id == Agreement.id)
    return amended & ~edited_since
