"""Webhook mode: updates POSTed by Telegram, answered only once handled; /healthz."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import aiohttp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings, load_settings
from bot.db.models import Agreement, JournalEntry, MailStatus
from bot.telegram.webhook_endpoint import webhook_secret
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.eventually import eventually
from tests.support.identity import TOKEN
from tests.support.logs import watching
from tests.support.mailbox import Mailbox
from tests.support.mails import code_in
from tests.support.stored import database_contents, mail_statuses, session_on
from tests.support.webhooks import SECRET, take_update, webhook_bot


async def test_an_update_is_answered_only_after_it_was_handled(
    local_api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Hooks")
    async with webhook_bot(api, mailbox, database_url) as (client, base):
        [call] = api.calls("setWebhook")
        assert call.params["url"].endswith("/tg/hook") and call.params["secret_token"] == SECRET
        assert "message" in call.params["allowed_updates"]

        offer = ben.says(group, "Price 100")
        take_update(api)
        ann.says(group, "/agree", reply_to=offer)
        update = take_update(api)
        headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        async with client.post(f"{base}/tg/hook", json=update, headers=headers) as reply:
            assert reply.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with client.post(f"{base}/tg/hook", json=update, headers=headers) as reply:
            assert reply.status == 200
        # The answer came after the handler: the agreement is stored and the card posted.
        async with session_on(database_url) as session:
            [agreement] = (await session.scalars(select(Agreement))).all()
        assert agreement.answer_message_id is not None
        assert any("Agreement #1 recorded" in m["text"] for m in api.bot_messages(group.id))

        # Telegram resending it (the answer got lost) changes nothing.
        async with client.post(f"{base}/tg/hook", json=update, headers=headers) as reply:
            assert reply.status == 200
        assert len([m for m in api.bot_messages(group.id) if "recorded" in m["text"]]) == 1

        async with client.get(f"{base}/healthz") as reply:
            assert reply.status == 200 and (await reply.json()) == {"database": "ok"}
        async with client.get(f"{base}/metrics") as reply:
            metrics = await reply.text()
        assert 'agreement_bot_updates_total{type="message"}' in metrics
        assert "agreement_bot_handler_seconds_bucket" in metrics
        assert "agreement_bot_outbox_backlog" in metrics
    assert api.errors == []


async def test_a_plain_message_is_journaled_before_the_answer(
    local_api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ben = world.user("Ben")
    group = world.group("Hooks")
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with webhook_bot(api, mailbox, database_url) as (client, base):
        said = ben.says(group, "Price 100, delivery on Friday")
        async with client.post(f"{base}/tg/hook", json=take_update(api), headers=headers) as reply:
            assert reply.status == 200
        # No wait: the answer itself means the row is stored.
        async with session_factory() as session:
            [entry] = (await session.scalars(select(JournalEntry))).all()
    assert (entry.chat_id, entry.message_id, entry.text) == (
        group.id,
        said["message_id"],
        "Price 100, delivery on Friday",
    )
    assert api.bot_messages(group.id) == []  # a plain message gets no answer


class Telegram:
    """Delivers updates the way Telegram does: with the secret setWebhook gave it."""

    def __init__(self, api: BotAPIServer, client: aiohttp.ClientSession, base: str) -> None:
        self.api, self.client, self.base = api, client, base

    @property
    def secret(self) -> str:
        return self.api.state.webhook_secret

    async def deliver(self) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret}
        update = take_update(self.api)
        async with self.client.post(f"{self.base}/tg/hook", json=update, headers=headers) as reply:
            assert reply.status == 200, await reply.text()


async def mails_settled(database_url: str) -> None:
    """Wait until no mail is pending: the worker's commit would change the rows."""

    async def settled() -> bool:
        return MailStatus.PENDING not in await mail_statuses(database_url)

    await eventually(settled, what="every mail sent")


async def test_without_a_webhook_secret_forged_updates_are_refused(
    local_api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ann = world.user("Ann")
    async with webhook_bot(api, mailbox, database_url, webhook_secret=None) as (client, base):
        telegram = Telegram(api, client, base)
        [call] = api.calls("setWebhook")
        secret = call.params["secret_token"]
        # A secret Telegram accepts, that only the bot can know, the same in every replica.
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret)
        assert secret not in TOKEN and TOKEN.partition(":")[2] not in secret
        assert secret == telegram.secret == webhook_secret(bot_settings_for_token(TOKEN))

        # Telegram's own deliveries work: Ann binds her address.
        ann.says_private("/email ann@example.com")
        await telegram.deliver()
        [mail] = await mailbox.wait_for(to="ann@example.com")
        ann.says_private(f"/verify {code_in(mail.message)}")
        await telegram.deliver()
        await world.bot_reply(ann, lambda m: "✅" in m.get("text", ""))
        await mails_settled(database_url)
        before = await database_contents(database_url)

        # A forger, posting as Ann, without the header or with a guess, gets nowhere.
        guesses: list[dict[str, str]] = [
            {},
            {"X-Telegram-Bot-Api-Secret-Token": ""},
            {"X-Telegram-Bot-Api-Secret-Token": TOKEN.partition(":")[2]},
            {"X-Telegram-Bot-Api-Secret-Token": "é"},  # not ASCII: compared all the same
        ]
        for forged in ("/email forger@example.com", "/verify 000000"):
            ann.says_private(forged)
            update = take_update(api)
            for headers in guesses:
                async with client.post(f"{base}/tg/hook", json=update, headers=headers) as reply:
                    assert reply.status == 401
        assert await database_contents(database_url) == before
        assert mailbox.to("forger@example.com") == []
    assert api.errors == []


def test_the_derived_secret_is_the_same_for_every_replica_and_bot() -> None:
    first = bot_settings_for_token(TOKEN)
    assert webhook_secret(first) == webhook_secret(bot_settings_for_token(TOKEN))
    assert webhook_secret(first) != webhook_secret(bot_settings_for_token("987654321:AAother"))
    explicit = bot_settings_for_token(TOKEN, webhook_secret=SECRET)
    assert webhook_secret(explicit) == SECRET


def bot_settings_for_token(token: str, **extra: Any) -> Settings:
    return load_settings(
        Settings,
        _env_file=None,
        bot_token=token,
        mail_from="bot@example.com",
        webhook_url="https://bot.example.com/tg/hook",
        **extra,
    )


async def test_bodies_that_are_not_updates_get_a_4xx_and_unknown_kinds_are_ignored(
    local_api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ben = world.user("Ben")
    group = world.group("Hooks")
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with webhook_bot(api, mailbox, database_url) as (client, base):
        with watching("") as log:
            for body in (
                b"{not json",
                b"\xff\xfe",
                b"",
                b"[]",
                b'"update"',
                b"{}",
                b'{"update_id": "seven"}',
                b'{"update_id": 7, "message": "hello"}',
                b'{"update_id": 99999999999999999999999999}',
                b'{"update_id": 9, "message": {"message_id": 1, "date": 1, "chat": '
                b'{"id": 99999999999999999999, "type": "private"}}}',
                b"[" * 100_000 + b"]" * 100_000,
            ):
                async with client.post(f"{base}/tg/hook", data=body, headers=headers) as reply:
                    assert 400 <= reply.status < 500, (body, reply.status)
            before = await database_contents(database_url)
            # A kind of update this bot does not know (a newer Bot API): taken, and ignored.
            unknown = json.dumps({"update_id": 8, "future_kind": {"id": 1}}).encode()
            async with client.post(f"{base}/tg/hook", data=unknown, headers=headers) as reply:
                assert reply.status == 200
            assert await database_contents(database_url) == before
            # And the bot still works.
            offer = ben.says(group, "Price 100")
            take_update(api)
            ben.says(group, "/agree", reply_to=offer)
            await Telegram(api, client, base).deliver()

            async def card_posted() -> bool:  # cards go beside the updates, not in them
                return any("recorded" in m["text"] for m in api.bot_messages(group.id))

            await eventually(card_posted, what="the card")
        failures = [r for r in log.records if r.levelno >= logging.ERROR or r.exc_info]
        assert failures == []
    assert api.errors == []
