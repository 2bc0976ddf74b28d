"""Unsubscribing, as the parties and their mail programs do it: over real HTTP, with mail
through the real SMTP server. Every mail but the code's carries signed List-Unsubscribe
headers and a footer with the recipient's own link; a one-click POST stops the mail to that
address alone; a GET changes nothing; a forged link opens nothing; /subscribe brings the
mail back, with the records missed meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db.models import MailStatus
from bot.mail.unsubscribe_links import UnsubscribeLinks, unsubscribe_key
from tests.botapi import BotAPIServer
from tests.support.dkim_keys import make_keys
from tests.support.eventually import eventually
from tests.support.mailbox import Mailbox
from tests.support.mails import is_agreement, is_edit_alert
from tests.support.site import Site, agreed, serving
from tests.support.stored import stored_mails
from tests.support.unsubscribing import (
    ONE_CLICK,
    footer_links,
    get_page,
    page_link,
    post_form,
    unsubscribed_addresses,
    ways_out,
)

EDITED = "Stage 1: 120 000 RUB, due 20 December."
INBOX = "unsubscribe@example.com"


async def test_every_mail_but_the_code_carries_signed_ways_out(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    keys = make_keys(tmp_path)
    extra = keys.settings() | {"mail_unsubscribe_mailto": INBOX}
    async with serving(api, mailbox, database_url, **extra) as site:
        story = await agreed(site)
        [code] = mailbox.to("ann@example.com")[:1]
        assert code.message["List-Unsubscribe"] is None  # the code mail: no way out
        assert code.message["List-Unsubscribe-Post"] is None
        story.ben.edits(story.offer, EDITED)
        await mailbox.wait_for(to="ben@example.com", where=is_edit_alert)
        mails = [
            mail
            for address in ("ann@example.com", "ben@example.com")
            for mail in mailbox.to(address)
            if is_agreement(mail.message) or is_edit_alert(mail.message)
        ]
    assert len(mails) == 4
    links = set()
    for mail in mails:
        message = mail.message
        [page, by_mail] = ways_out(message)
        assert page.startswith(f"{site.base_url}/u/")
        assert by_mail == f"mailto:{INBOX}?subject=unsubscribe%20{page.rsplit('/', 1)[1]}"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert keys.signed(mail.raw)
        signed = str(message["DKIM-Signature"]).replace(" ", "").replace("\r\n", "")
        assert "list-unsubscribe:list-unsubscribe-post" in signed
        # The footer names the same link, in both parts, and the bot's command.
        text_links, html_links = footer_links(message)
        assert text_links == [page] and html_links == [page]
        links.add((mail.recipients[0], page))
    # One link per address, the same in every mail to it; none names the address in clear.
    assert len({link for _, link in links}) == 2
    assert not any("example.com" in link for _, link in links)


async def test_a_one_click_post_stops_the_edit_alert_to_that_address_only(
    site: Site, database_url: str
) -> None:
    story = await agreed(site)
    mailbox = site.harness.mailbox
    [ben_mail] = await mailbox.wait_for(to="ben@example.com", where=is_agreement)
    link = page_link(ben_mail.message)

    answer = await post_form(site, link, ONE_CLICK)
    assert answer.status == 200 and not answer.redirected
    assert "b…@example.com" in answer.text and "ben@example.com" not in answer.text
    assert await unsubscribed_addresses(database_url) == {"ben@example.com": "link"}
    again = await post_form(site, link, ONE_CLICK)  # a mail program that retries
    assert again.status == 200

    story.ben.edits(story.offer, EDITED)
    await mailbox.wait_for(to="ann@example.com", where=is_edit_alert)
    await site.harness.mail_barrier()
    assert [m for m in mailbox.to("ben@example.com") if is_edit_alert(m.message)] == []
    # Ben's records stay his: the record page still answers.
    async with site.http.get(f"/r/{story.digest}") as record_page:
        assert record_page.status == 200


async def test_opening_the_link_changes_nothing(site: Site, database_url: str) -> None:
    story = await agreed(site)
    mailbox = site.harness.mailbox
    [ben_mail] = await mailbox.wait_for(to="ben@example.com", where=is_agreement)
    link = page_link(ben_mail.message)
    for language in ("ru", "en"):  # a link scanner, then a person
        page = await get_page(site, link, language)
        assert page.status == 200
        assert "b…@example.com" in page.text
        assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    assert "Отписаться" in (await get_page(site, link, "ru")).text
    assert await unsubscribed_addresses(database_url) == {}
    story.ben.edits(story.offer, EDITED)
    await mailbox.wait_for(to="ben@example.com", where=is_edit_alert)


async def test_a_forged_or_foreign_link_opens_nothing(site: Site, database_url: str) -> None:
    await agreed(site)
    [ben_mail] = await site.harness.mailbox.wait_for(to="ben@example.com", where=is_agreement)
    token = page_link(ben_mail.message).rsplit("/", 1)[1]
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    # Sealed by another bot (another token): as good as forged here.
    foreign = UnsubscribeLinks(unsubscribe_key("42:other-bot"), None, None).token(
        "ben@example.com"
    )
    for forged in (flipped, token[:-4], foreign, "ben@example.com", "A" * 500):
        page = await get_page(site, f"/u/{forged}")
        assert page.status == 404
        assert "This link does not work" in page.text
        refused = await post_form(site, f"/u/{forged}", ONE_CLICK, "ru")
        assert refused.status == 404 and "Эта ссылка не работает" in refused.text
    # A POST without the one-click body changes nothing either.
    odd = await post_form(site, page_link(ben_mail.message), {"List-Unsubscribe": "Yes"})
    assert odd.status == 400
    assert await unsubscribed_addresses(database_url) == {}


async def test_subscribe_brings_back_the_mail_and_what_was_missed(
    site: Site, database_url: str
) -> None:
    harness = site.harness
    world, mailbox = harness.world, harness.mailbox
    ann = world.user("Ann", language_code="en")
    ben = world.user("Ben", language_code="ru")
    group = world.group("Kitchen renovation")
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")

    ben.says_private("/unsubscribe")
    stopped = await world.bot_reply(ben, lambda m: "ben@example.com" in m.get("text", ""))
    assert "Писем на ben@example.com больше не будет" in stopped["text"]
    assert await unsubscribed_addresses(database_url) == {"ben@example.com": "bot"}

    offer = ann.says(group, "Stage 2: tiles, 60 000 RUB.")
    ben.says(group, "/agree Stage 2", reply_to=offer)
    await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    await harness.mail_barrier()
    assert [m for m in mailbox.to("ben@example.com") if is_agreement(m.message)] == []

    # A code Ben asks for still arrives at the unsubscribed address.
    ben.says_private("/email ben@example.com")
    await world.bot_reply(ben, lambda m: "ben@example.com" in m.get("text", ""))

    ben.says_private("/subscribe")
    started = await world.bot_reply(ben, lambda m: "снова включены" in m.get("text", ""))
    assert "Отправляю вам 1 договорённость" in started["text"]
    [missed] = await mailbox.wait_for(to="ben@example.com", where=is_agreement)
    assert "Stage 2" in str(missed.message["Subject"])
    assert await unsubscribed_addresses(database_url) == {}

    ann.says_private("/unsubscribe")
    english = await world.bot_reply(ann, lambda m: "ann@example.com" in m.get("text", ""))
    assert "No more emails to ann@example.com" in english["text"]
    ann.says_private("/unsubscribe")
    already = await world.bot_reply(ann, lambda m: "already stopped" in m.get("text", ""))
    assert "/subscribe" in already["text"]


@pytest.mark.expected_errors("mail deferred .* 451 4.3.0 try again later")
async def test_a_mail_queued_before_the_unsubscribe_is_not_sent(
    site: Site, database_url: str
) -> None:
    """The worker looks again when it sends: a mail that waited (the server refused it for
    a while) does not go out to an address that unsubscribed meanwhile."""
    story = await agreed(site)
    harness, mailbox = site.harness, site.harness.mailbox
    [ben_mail] = await mailbox.wait_for(to="ben@example.com", where=is_agreement)
    link = page_link(ben_mail.message)
    mailbox.reject_with = "451 4.3.0 try again later"
    story.ben.edits(story.offer, EDITED)

    async def both_alerts_waiting() -> bool:
        mails = await stored_mails(database_url, "edit_alert")
        return len(mails) == 2 and all(m.attempts >= 1 for m in mails)

    await eventually(both_alerts_waiting, what="both alerts refused once and waiting")
    assert (await post_form(site, link, ONE_CLICK)).status == 200
    mailbox.reject_with = None
    await mailbox.wait_for(to="ann@example.com", where=is_edit_alert)
    await harness.mail_barrier()
    assert [m for m in mailbox.to("ben@example.com") if is_edit_alert(m.message)] == []
    [ben_alert] = [
        m
        for m in await stored_mails(database_url, "edit_alert")
        if m.to_address == "ben@example.com"
    ]
    assert ben_alert.status is MailStatus.FAILED
    assert ben_alert.last_error == "not sent: the address unsubscribed"
