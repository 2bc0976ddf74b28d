"""Without WEB_BASE_URL nobody could confirm an invitation: /agree with an address says the
operator must set it, and records and invites nothing."""

from __future__ import annotations

from tests.support.harness import Harness
from tests.support.invitations import email_parties
from tests.support.stored import counts


async def test_an_address_without_web_pages_adds_nothing(
    harness: Harness, database_url: str
) -> None:
    ann, ben = harness.world.user("Ann", language_code="ru"), harness.world.user("Ben")
    group = harness.world.group("Office")
    ann.says(group, "/agree client@example.com", reply_to=ben.says(group, "Price 100"))

    answer = await harness.world.bot_reply(group)
    assert "WEB_BASE_URL" in answer["text"] and "Ничего не записано" in answer["text"]
    assert "client@" not in answer["text"]
    assert await counts(database_url) == (0, 0)
    assert await email_parties(database_url) == []
