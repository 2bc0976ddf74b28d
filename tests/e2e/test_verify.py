"""``python -m bot verify``: a mail as received checks out; a doctored one does not."""

from __future__ import annotations

import asyncio
import hashlib
import json
from email import message_from_bytes, policy
from pathlib import Path

import dkim
import pytest
from sqlalchemy import text

from bot.__main__ import main
from bot.db.engine import create_engine
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import Harness, bot_settings, running_bot, text_of
from tests.e2e.test_agreement_flow import attachment, is_agreement
from tests.support.dkim_keys import make_keys


async def received_agreement(harness: Harness) -> bytes:
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, "ann@example.com")
    ben.says(group, "Price 150 000")
    ann.says(group, "/agree", reply_to=harness.api.chat_history(group.id)[-1])
    await world.bot_reply(group)
    [mail] = await harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    return mail.raw


def verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run in a thread: the command runs its own event loop, as it does from a shell."""
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out


async def test_a_received_mail_and_its_record_are_valid_and_doctored_ones_are_not(
    harness: Harness,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    saved = tmp_path / "agreement.eml"
    saved.write_bytes(raw)

    code, out = await asyncio.to_thread(verify, saved, capsys)
    assert code == 0 and out.startswith("VALID"), out
    assert "the stored record has exactly these bytes" in out

    record = attachment(message_from_bytes(raw, policy=policy.default))
    doctored = json.loads(record)
    doctored["message"]["text"] = "Price 120 000"
    forged = tmp_path / "forged.json"
    forged.write_bytes(json.dumps(doctored, ensure_ascii=False).encode())
    code, out = await asyncio.to_thread(verify, forged, capsys)
    assert code == 1 and out.startswith("INVALID") and "holds no record" in out

    digest = str(message_from_bytes(raw, policy=policy.default)["X-Agreement-Digest"]).strip()
    relabelled = tmp_path / "relabelled.eml"
    relabelled.write_bytes(raw.replace(digest[:20].encode(), b"0" * 20, 1))
    code, out = await asyncio.to_thread(verify, relabelled, capsys)
    assert code == 1 and "FAIL" in out

    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    code, out = await asyncio.to_thread(verify, saved, capsys)
    assert code == 0 and "could not check the store" in out


async def test_with_dkim_settings_every_mail_is_signed(
    api, mailbox, database_url: str, tmp_path: Path
) -> None:
    keys = make_keys(tmp_path)
    settings = bot_settings(
        api,
        mailbox,
        database_url,
        dkim_domain="agreements.test",
        dkim_selector="mail",
        dkim_private_key_file=keys.private_file,
    )
    async with running_bot(settings, api):
        raw = await received_agreement(Harness(api, TelegramWorld(api), mailbox))
    assert dkim.verify(raw, dnsfunc=keys.dns("agreements.test", "mail"))
    code = next(m for m in mailbox.to("ann@example.com") if not is_agreement(m.message))
    assert dkim.verify(code.raw, dnsfunc=keys.dns("agreements.test", "mail"))


async def test_a_chats_chain_holds_and_a_rewritten_record_breaks_it(
    harness: Harness,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Chain")
    offers = []
    for price in (100, 200, 300):
        offers.append(ben.says(group, f"Price {price}"))
        ann.says(group, "/agree", reply_to=offers[-1])
        await world.bot_reply(group, lambda m: "recorded" in m.get("text", ""))
    # An amendment of #3, then #4: the chain runs through the amendment.
    ben.edits(offers[-1], "Price 250")
    alert = await world.bot_reply(group, lambda m: "was edited" in m.get("text", ""))
    ann.presses(alert, "✅ Accept new version")
    ben.presses(alert, "✅ Accept new version")
    await world.bot_reply(group, lambda m: "Amendment #3.1" in m.get("text", ""))
    ann.says(group, "/agree", reply_to=ben.says(group, "Price 400"))
    await world.bot_reply(group, lambda m: "Agreement #4 recorded" in m.get("text", ""))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)

    code, out = await asyncio.to_thread(verify_chain_of, group.id, capsys)
    assert code == 0 and out.startswith("VALID") and "5 records" in out, out

    # Someone with database access rewrites agreement #2 (past the append-only triggers).
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.execute(text("DROP TRIGGER agreements_no_update"))
        else:
            await connection.execute(text("DROP TRIGGER agreements_append_only ON agreements"))
        record = (
            await connection.execute(text("SELECT record FROM agreements WHERE number = 2"))
        ).scalar_one()
        forged = bytes(record).replace(b"Price 200", b"Price 20")
        await connection.execute(
            text("UPDATE agreements SET record = :r, digest = :d WHERE number = 2"),
            {"r": forged, "d": hashlib.sha256(forged).hexdigest()},
        )
    await engine.dispose()
    code, out = await asyncio.to_thread(verify_chain_of, group.id, capsys)
    assert code == 1 and out.startswith("INVALID")
    assert "agreement #3: names" in out  # #3 still names the digest of the real #2


def verify_chain_of(chat_id: int, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["verify", "--chain", str(chat_id)])
    return code, capsys.readouterr().out


async def test_the_agreement_email_names_the_previous_record(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Chain mail")
    await harness.register(ann, "ann@example.com")
    for price in (100, 200):
        ann.says(group, "/agree", reply_to=ben.says(group, f"Price {price}"))
        await world.bot_reply(group, lambda m: "recorded" in m.get("text", ""))
    first, second = await mailbox.wait_for(to="ann@example.com", count=2, where=is_agreement)
    assert "first record in this chat" in text_of(first.message)
    first_digest = str(first.message["X-Agreement-Digest"]).strip()
    assert f"previous record in this chat, {first_digest}" in text_of(second.message)
