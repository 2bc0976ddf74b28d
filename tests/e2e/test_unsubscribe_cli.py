"""``python -m bot unsubscribe``: what the operator runs for a request that reached
MAIL_UNSUBSCRIBE_MAILTO, by the token in its subject or by the address."""

from __future__ import annotations

import asyncio

import pytest

from bot.__main__ import main
from bot.mail.unsubscribe_links import UnsubscribeLinks, unsubscribe_key
from tests.support.identity import MAIL_FROM, TOKEN
from tests.support.unsubscribing import unsubscribed_addresses


async def test_the_operator_unsubscribes_by_the_token_or_the_address(
    verify_env: pytest.MonkeyPatch, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    verify_env.setenv("BOT_TOKEN", TOKEN)
    verify_env.setenv("MAIL_FROM", MAIL_FROM)
    links = UnsubscribeLinks(unsubscribe_key(TOKEN), None, "unsubscribe@example.com")
    subject = f"unsubscribe {links.token('Ann@Example.com')}"  # as the mail program sent it

    assert await asyncio.to_thread(main, ["unsubscribe", subject]) == 0
    assert "a***@example.com unsubscribed" in capsys.readouterr().out
    assert await unsubscribed_addresses(database_url) == {"ann@example.com": "operator"}
    assert await asyncio.to_thread(main, ["unsubscribe", subject]) == 0
    assert "already" in capsys.readouterr().out

    foreign = UnsubscribeLinks(unsubscribe_key("42:other"), None, None).token("ben@example.com")
    assert await asyncio.to_thread(main, ["unsubscribe", foreign]) == 1
    assert "not an unsubscribe token" in capsys.readouterr().err

    assert await asyncio.to_thread(main, ["unsubscribe", "Ben@example.com"]) == 0
    assert await unsubscribed_addresses(database_url) == {
        "ann@example.com": "operator",
        "ben@example.com": "operator",
    }
