"""Which agreements make a page of the Mini App's list: the ids, newest first, inside what
one person may see (bot/agreements/visibility.py), with the list's filters.

The groups the person sees whole, and their own agreements in other chats, are read apart
and merged; neither part reads more than the visible set, and without filters each reads
little more than a page, whatever the million rows around them and however old the
person's agreements are. Each database is steered to its indexes as measured (bench/
mini_app_list.py): the notes below say what each did otherwise.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Select,
    bindparam,
    cast,
    func,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from bot.agreements.visibility import Reach
from bot.db.folding import folded
from bot.db.models import Agreement, Amendment, MessageVersion, Party

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


def page_ids(reach: Reach, query: OverviewQuery, *, postgres: bool) -> Select[int]:
    """The page's ids and one more (so the caller knows whether another page follows)."""
    limit = query.limit + 1
    filters = _filters(query)
    chats = sorted(reach.member_chats)
    if query.chat_id is not None:
        chats = [chat for chat in chats if chat == query.chat_id]
    groups = (_each_group_newest if postgres else _groups_newest)(
        chats, [*_before(Agreement.id, query), *filters], limit
    )
    # One's own agreements, newest first straight from parties' index; the groups' may be
    # among them (UNION drops the twice found). Leaving out the groups' own here would read
    # every one of the person's agreements to find a page of the others.
    mine = select(Party.agreement_id.label("id")).where(
        Party.user_id == reach.user_id, *_before(Party.agreement_id, query)
    )
    if filters:
        mine = mine.join(Agreement, Agreement.id == Party.agreement_id).where(*filters)
    merged = union(groups, _newest(mine, Party.agreement_id, limit)).subquery()
    return select(merged.c.id).order_by(merged.c.id.desc()).limit(limit)


def _each_group_newest(
    chats: list[int], conditions: list[ColumnElement[bool]], limit: int
) -> Select[int]:
    """PostgreSQL: each group's newest, one index scan per group (LATERAL). Asked for the
    newest of all the groups at once, it walked the whole table back from its newest row
    when those groups were quiet (its statistics can't tell whose chats are whose)."""
    groups = func.unnest(cast(chats, ARRAY(BigInteger))).table_valued("chat_id")
    group = groups.render_derived(name="member")
    newest = (
        select(Agreement.id)
        .where(Agreement.chat_id == group.c.chat_id, *conditions)
        .order_by(Agreement.id.desc())
        .limit(limit)
        .lateral("newest")
    )
    return select(newest.c.id).select_from(group).join(newest, true())


def _groups_newest(
    chats: list[int], conditions: list[ColumnElement[bool]], limit: int
) -> Select[int]:
    """SQLite: one query over the groups; it reads each group's index newest first."""
    statement = select(Agreement.id).where(Agreement.chat_id.in_(chats), *conditions)
    return _newest(statement, Agreement.id, limit)


def _newest(statement: Select[int], key: InstrumentedAttribute[int], limit: int) -> Select[int]:
    # Wrapped, since SQLite takes no ORDER BY or LIMIT on a compound SELECT's own parts.
    # The limit is written into the SQL: given as a parameter, SQLite walked the whole table
    # back from its newest row instead of the groups' index (measured: 190 ms against 0.3).
    page = (
        statement.order_by(key.desc())
        .limit(bindparam("page_limit", limit, literal_execute=True, unique=True))
        .subquery()
    )
    return select(page.c.id)


def _before(key: InstrumentedAttribute[int], query: OverviewQuery) -> list[ColumnElement[bool]]:
    return [] if query.before is None else [key < query.before]


def _filters(query: OverviewQuery) -> list[ColumnElement[bool]]:
    """The chat, state and search filters: conditions on the agreement."""
    conditions: list[ColumnElement[bool]] = []
    if query.chat_id is not None:
        conditions.append(Agreement.chat_id == query.chat_id)
    if query.state is not None:
        conditions.append(_in_state(query.state))
    if query.search:
        term = query.search[:SEARCH_MAX_LENGTH].lower()
        conditions.append(
            or_(
                folded(Agreement.text).contains(term, autoescape=True),
                folded(Agreement.title).contains(term, autoescape=True),
            )
        )
    return conditions


def _in_state(state: State) -> ColumnElement[bool]:
    """Scalar subqueries on the agreement each part reads, correlated to it alone (the part
    of one's own agreements reads ``parties`` too). As EXISTS, PostgreSQL hashed all of
    ``message_versions`` for them and compiled the plan (JIT): 0.7 s for a page."""
    if state is State.AWAITING:
        parties = select(func.count()).where(Party.agreement_id == Agreement.id)
        return parties.correlate(Agreement).scalar_subquery() < 2
    last_version = (
        select(func.max(MessageVersion.number))
        .where(MessageVersion.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    if state is State.INTACT:
        return last_version.is_(None)
    amended_version = aliased(MessageVersion)
    last_agreed = (
        select(func.max(amended_version.number))
        .join(Amendment, Amendment.version_id == amended_version.id)
        .where(Amendment.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    edited_since = func.coalesce(last_version, 0) > func.coalesce(last_agreed, 0)
    if state is State.EDITED:
        return edited_since
    return last_agreed.is_not(None) & ~edited_since
