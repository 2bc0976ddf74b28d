"""The bot with its web pages on, as the tests in tests/e2e/web reach it, and the story
most of them start from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.botapi.scenario import Person
from tests.support.harness import Harness
from tests.support.mails import header_digest, is_agreement

OFFER = "Stage 1: 150 000 RUB, due 15 December."


@dataclass
class Site:
    harness: Harness
    http: aiohttp.ClientSession  # requests go to base_url
    base_url: str


@dataclass
class Agreed:
    digest: str  # from Ann's mail
    offer: dict[str, Any]
    ben: Person


async def agreed(site: Site) -> Agreed:
    """Ann (English) marks Ben's (Russian) offer in a group; both have addresses."""
    harness = site.harness
    ann = harness.world.user("Ann", "Lee", username="ann", language_code="en")
    ben = harness.world.user("Ben", username="ben", language_code="ru")
    group = harness.world.group("Kitchen renovation")
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")
    offer = ben.says(group, OFFER)
    ann.says(group, "/agree Stage 1", reply_to=offer)
    [mail] = await harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    return Agreed(header_digest(mail.message), offer, ben)
