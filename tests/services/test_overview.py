"""The Mini App's list query on both databases: newest first across the groups a person
sees whole and their own agreements elsewhere, paged, filtered and searched."""

from __future__ import annotations

import pytest

from bot.agreements.marking import AgreementService, MarkRequest
from bot.agreements.overview import overview_page
from bot.agreements.page_query import OverviewQuery, State
from bot.agreements.visibility import Reach, candidate_chats
from bot.core.people import ChatInfo, Person
from tests.support.people import said

ANN = Person(id=101, first_name="Ann")
BEN = Person(id=202, first_name="Ben")
CAT = Person(id=303, first_name="Cat")
CHATS = [ChatInfo(id=-1001000000000 - n, type="supergroup", title=f"Chat {n}") for n in range(3)]


@pytest.fixture
async def marked(services) -> None:
    """Ann marks Ben's and Cat's messages in three chats; Ben marks his own in chat 2."""
    for n in range(12):
        chat = CHATS[n % 3]
        author = CAT if n % 4 == 0 else BEN
        await services(AgreementService).mark(
            MarkRequest(chat, said(author, f"Deal {n}: {n * 100} RUB", message_id=n + 1), ANN)
        )
    await services(AgreementService).mark(
        MarkRequest(CHATS[2], said(BEN, "Solo deal", message_id=99), BEN)
    )


def labels(page) -> list[str]:
    return [i.view.summary.split(":")[0] for i in page.items]


@pytest.mark.usefixtures("marked")
async def test_pages_filters_and_search_across_groups(session_factory) -> None:
    # Ben is a member of chats 0 and 1 (and a party almost everywhere); Ann marked them all.
    ben = Reach(BEN.id, frozenset({CHATS[0].id, CHATS[1].id}))
    async with session_factory() as session:
        first = await overview_page(session, ben, OverviewQuery(limit=5))
        assert labels(first) == ["Solo deal", "Deal 11", "Deal 10", "Deal 9", "Deal 7"]
        rest = await overview_page(session, ben, OverviewQuery(limit=5, before=first.next_cursor))
        assert labels(rest) == ["Deal 6", "Deal 5", "Deal 4", "Deal 3", "Deal 2"]
        last = await overview_page(session, ben, OverviewQuery(limit=5, before=rest.next_cursor))
        assert labels(last) == ["Deal 1", "Deal 0"] and last.next_cursor is None
        in_chat_2 = await overview_page(session, ben, OverviewQuery(chat_id=CHATS[2].id))
        assert labels(in_chat_2) == ["Solo deal", "Deal 11", "Deal 5", "Deal 2"]  # not Deal 8
        awaiting = OverviewQuery(state=State.AWAITING)
        assert labels(await overview_page(session, ben, awaiting)) == ["Solo deal"]
        searched = OverviewQuery(search="00 RUB", state=State.INTACT, limit=3)
        assert labels(await overview_page(session, ben, searched)) == [
            "Deal 11",
            "Deal 10",
            "Deal 9",
        ]
        nobody = Reach(404, frozenset())
        assert (await overview_page(session, nobody, OverviewQuery())).items == []


@pytest.mark.usefixtures("marked")
async def test_a_party_sees_their_own_and_a_member_the_whole_group(session_factory) -> None:
    async with session_factory() as session:
        assert await candidate_chats(session, CAT.id) == sorted(c.id for c in CHATS)
        cat = await overview_page(session, Reach(CAT.id, frozenset()), OverviewQuery())
        assert [(i.view.chat_id, i.view.number) for i in cat.items] == [
            (CHATS[2].id, 3),  # Deal 8
            (CHATS[1].id, 2),  # Deal 4
            (CHATS[0].id, 1),  # Deal 0
        ]
        # Ben, a member of chat 0 only: all of it (Cat's Deal 0 too), his own elsewhere.
        ben = await overview_page(
            session, Reach(BEN.id, frozenset({CHATS[0].id})), OverviewQuery()
        )
        shown = {i.view.summary.split(":")[0] for i in ben.items}
        assert len(ben.items) == 11 and "Deal 0" in shown
        assert not shown & {"Deal 4", "Deal 8"}
        awaiting = OverviewQuery(state=State.AWAITING)
        [solo] = (await overview_page(session, Reach(BEN.id, frozenset()), awaiting)).items
        assert solo.view.summary == "Solo deal" and solo.awaiting
