"""``python -m bot verify``: a mail as received checks out; a doctored one does not."""

from __future__ import annotations

import hashlib
import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db.engine import create_engine
from tests.botapi import BotAPIServer
from tests.support.forgery import reencoded, tampered
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox
from tests.support.mails import header_digest, is_agreement, is_amendment, record_bytes, text_of
from tests.support.stories import amended_between, received_agreement, signed_agreement
from tests.support.verify_command import dkim_line, says, verify, verify_bytes


async def test_a_received_mail_and_its_record_are_valid_and_doctored_ones_are_not(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    saved = tmp_path / "agreement.eml"
    saved.write_bytes(raw)

    code, out = await verify(str(saved), capsys=capsys)
    assert code == 0 and out.startswith("VALID"), out
    assert any(
        line.startswith("VALID") and line.endswith("has exactly these bytes")
        for line in out.splitlines()
    ), out

    record = record_bytes(message_from_bytes(raw, policy=policy.default))
    doctored = json.loads(record)
    doctored["message"]["text"] = "Price 120 000"
    forged = tmp_path / "forged.json"
    forged.write_bytes(json.dumps(doctored, ensure_ascii=False).encode())
    code, out = await verify(str(forged), capsys=capsys)
    assert code == 1 and out.startswith("INVALID") and "holds no record" in out

    digest = header_digest(message_from_bytes(raw, policy=policy.default))
    relabelled = tmp_path / "relabelled.eml"
    relabelled.write_bytes(raw.replace(digest[:20].encode(), b"0" * 20, 1))
    code, out = await verify(str(relabelled), capsys=capsys)
    assert code == 1 and out.startswith("INVALID") and "not to the header's" in out

    # Without the store and without a signature, nothing shows who made the mail.
    verify_env.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    code, out = await verify(str(saved), capsys=capsys)
    assert code == 1 and out.startswith("NOT VERIFIED") and "could not check the store" in out


async def test_with_dkim_settings_every_mail_is_signed(
    api, mailbox, database_url: str, tmp_path: Path
) -> None:
    raw, keys = await signed_agreement(api, mailbox, database_url, tmp_path)
    assert keys.signed(raw)
    code = next(m for m in mailbox.to("ann@example.com") if not is_agreement(m.message))
    assert keys.signed(code.raw)


async def test_a_chats_chain_holds_and_a_rewritten_record_breaks_it(
    harness: Harness,
    database_url: str,
    verify_env: pytest.MonkeyPatch,
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

    code, out = await verify("--chain", str(group.id), capsys=capsys)
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
    code, out = await verify("--chain", str(group.id), capsys=capsys)
    assert code == 1 and out.startswith("INVALID")
    assert "agreement #3: names" in out  # #3 still names the digest of the real #2


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
    first_digest = header_digest(first.message)
    assert f"previous record in this chat, {first_digest}" in text_of(second.message)


# --- What the mail shows must be what was recorded (issue 17, item 2) ---------------------


@pytest.mark.parametrize(
    "parts", [("plain",), ("html",), ("plain", "html")], ids=["text", "html", "both"]
)
async def test_a_mail_whose_shown_text_was_changed_is_invalid(
    parts: tuple[str, ...],
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    forged = tampered(raw, "150 000", "950 000", parts=parts)

    code, out = await verify_bytes(forged, tmp_path, capsys, "--no-dns")
    assert code == 1 and out.startswith("INVALID"), out
    if "plain" in parts:
        assert says(out, "INVALID", "text part", "950 000"), out
    if "html" in parts:
        assert says(out, "INVALID", "HTML part", "950 000"), out
    # The record itself is untouched: its own checks still pass, each on its own line.
    assert says(out, "VALID", "store"), out


@pytest.mark.parametrize("cte", ["base64", "8bit", "quoted-printable"])
async def test_a_mail_re_encoded_by_a_mail_client_stays_valid(
    cte: str,
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    saved = reencoded(raw, cte)
    assert saved != raw and b"\r\n" not in saved

    code, out = await verify_bytes(saved, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    for name in ("text part", "HTML part", "digest", "number", "author"):
        assert says(out, "VALID", name), out


async def test_an_amendment_mail_shows_its_record(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await amended_between(harness)
    [amended] = await harness.mailbox.wait_for(to="alice@example.com", where=is_amendment)

    code, out = await verify_bytes(amended.raw, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    assert says(out, "VALID", "text part")

    forged = tampered(amended.raw, "120 000", "920 000", parts=("plain", "html"))
    code, out = await verify_bytes(forged, tmp_path, capsys, "--no-dns")
    assert code == 1 and out.startswith("INVALID") and "920 000" in out, out


async def test_a_dkim_signature_is_checked_with_the_configured_key(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw, keys = await signed_agreement(api, mailbox, database_url, tmp_path)

    # Without the key, and without DNS: named as not checked, never as passed.
    code, out = await verify_bytes(raw, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    assert dkim_line(out).startswith("NOT CHECKED") and "DKIM_" in dkim_line(out), out
    assert "not checked" in out.splitlines()[0] and "DKIM" in out.splitlines()[0]

    for name, value in keys.environment().items():
        verify_env.setenv(name, value)
    code, out = await verify_bytes(raw, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    assert dkim_line(out).startswith("VALID") and "agreements.test" in dkim_line(out), out

    # A header the signature covers, changed: the text still matches, the signature not.
    message = message_from_bytes(raw, policy=policy.default)
    redated = raw.replace(
        f"Date: {message['Date']}".encode(), b"Date: Mon, 01 Jan 2024 09:00:00 +0000", 1
    )
    assert redated != raw
    code, out = await verify_bytes(redated, tmp_path, capsys, "--no-dns")
    assert code == 1 and out.startswith("INVALID"), out
    assert dkim_line(out).startswith("INVALID"), out

    # Re-encoded by a mail client: the text did not change, so neither does the verdict.
    code, out = await verify_bytes(reencoded(raw, "base64"), tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    assert dkim_line(out).startswith("VALID") and "re-encoded" in dkim_line(out), out


async def test_verify_chain_names_a_stored_column_rewritten_past_the_triggers(
    harness: Harness,
    database_url: str,
    verify_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _alice, _bob, group, _offer, _alert = await amended_between(harness)
    code, out = await verify("--chain", str(group.id), capsys=capsys)
    assert code == 0 and out.startswith("VALID") and "stored columns" in out, out

    # The columns /history and the alert mails read, rewritten by the tables' owner; the
    # record bytes (and so the chain) stay as they were.
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        sqlite = connection.dialect.name == "sqlite"
        for table in ("agreements", "amendments", "message_versions"):
            if sqlite:
                for (name,) in await connection.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"
                    ),
                    {"t": table},
                ):
                    await connection.execute(text(f'DROP TRIGGER "{name}"'))
            else:
                await connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        await connection.execute(
            text("UPDATE agreements SET text = 'We agreed on 950 000 for stage 1'")
        )
        await connection.execute(text("UPDATE amendments SET text = 'We agreed on 920 000'"))
        await connection.execute(text("UPDATE message_versions SET text = 'Free of charge'"))
    await engine.dispose()

    code, out = await verify("--chain", str(group.id), capsys=capsys)
    assert code == 1 and out.startswith("INVALID"), out
    lines = [line for line in out.splitlines() if line.startswith("INVALID ")]
    for column in ("agreements.text", "amendments.text", "message_versions.text"):
        assert any(column in line and "950 000" in out for line in lines), out
    assert "each record hashes to its digest" in out  # the chain itself holds
