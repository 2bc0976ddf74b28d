"""``python -m bot verify``: a mail as received checks out; a doctored one does not."""

from __future__ import annotations

import asyncio
import hashlib
import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import dkim
import pytest
from sqlalchemy import text

from bot.__main__ import main
from bot.db.engine import create_engine
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import Harness, bot_settings, running_bot, text_of
from tests.e2e.test_agreement_flow import attachment, is_agreement
from tests.e2e.test_edits import agreed_between, is_amendment
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
    assert any(
        line.startswith("VALID") and line.endswith("has exactly these bytes")
        for line in out.splitlines()
    ), out

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
    assert code == 1 and out.startswith("INVALID") and "not to the header's" in out

    # Without the store and without a signature, nothing shows who made the mail.
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    code, out = await asyncio.to_thread(verify, saved, capsys)
    assert code == 1 and out.startswith("NOT VERIFIED") and "could not check the store" in out


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


# --- What the mail shows must be what was recorded (issue 17, item 2) ---------------------


def _text_parts(message: EmailMessage) -> dict[str, EmailMessage]:
    return {
        part.get_content_subtype(): part
        for part in message.walk()
        if part.get_content_maintype() == "text" and not part.is_attachment()
    }


def tampered(raw: bytes, old: str, new: str, *, parts: tuple[str, ...]) -> bytes:
    """The mail with `old` changed to `new` in the given text parts, as a forger with a
    mail client or a script would change it (the part re-encoded as the email package
    likes)."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    for subtype, part in _text_parts(message).items():
        if subtype in parts:
            content = part.get_content()
            assert old in content
            part.set_content(content.replace(old, new), subtype=subtype)
    return message.as_bytes()


def reencoded(raw: bytes, cte: str) -> bytes:
    """The same mail as a mail client may save it: each text part in another transfer
    encoding, LF line endings, headers folded again."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    for subtype, part in _text_parts(message).items():
        part.set_content(part.get_content(), subtype=subtype, cte=cte)
    saved = message.as_bytes(policy=policy.default.clone(linesep="\n"))
    return saved.replace(b"X-Agreement-Digest: ", b"X-Agreement-Digest:\n\t", 1)  # refolded


def verify_bytes(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str]:
    saved = tmp_path / "checked.eml"
    saved.write_bytes(content)
    code = main(["verify", *flags, str(saved)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    "parts", [("plain",), ("html",), ("plain", "html")], ids=["text", "html", "both"]
)
async def test_a_mail_whose_shown_text_was_changed_is_invalid(
    parts: tuple[str, ...],
    harness: Harness,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    forged = tampered(raw, "150 000", "950 000", parts=parts)

    code, out = await asyncio.to_thread(verify_bytes, forged, tmp_path, capsys, "--no-dns")
    assert code == 1 and out.startswith("INVALID"), out
    lines = out.splitlines()
    if "plain" in parts:
        assert any(
            line.startswith("INVALID") and "text part" in line and "950 000" in line
            for line in lines
        ), out
    if "html" in parts:
        assert any(
            line.startswith("INVALID") and "HTML part" in line and "950 000" in line
            for line in lines
        ), out
    # The record itself is untouched: its own checks still pass, each on its own line.
    assert any(line.startswith("VALID") and "store" in line for line in lines), out


@pytest.mark.parametrize("cte", ["base64", "8bit", "quoted-printable"])
async def test_a_mail_re_encoded_by_a_mail_client_stays_valid(
    cte: str,
    harness: Harness,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    saved = reencoded(raw, cte)
    assert saved != raw and b"\r\n" not in saved

    code, out = await asyncio.to_thread(verify_bytes, saved, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    for name in ("text part", "HTML part", "digest", "number", "author"):
        assert any(line.startswith("VALID") and name in line for line in out.splitlines()), out


async def test_an_amendment_mail_shows_its_record(
    harness: Harness,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob, group, offer, _card = await agreed_between(harness)
    bob.edits(offer, "We agreed on 120 000 for stage 1")
    alert = await harness.world.bot_reply(group)
    alice.presses(alert, "✅ Accept new version")
    bob.presses(alert, "✅ Accept new version")
    [amended] = await harness.mailbox.wait_for(to="alice@example.com", where=is_amendment)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)

    code, out = await asyncio.to_thread(verify_bytes, amended.raw, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    assert any(line.startswith("VALID") and "text part" in line for line in out.splitlines())

    forged = tampered(amended.raw, "120 000", "920 000", parts=("plain", "html"))
    code, out = await asyncio.to_thread(verify_bytes, forged, tmp_path, capsys, "--no-dns")
    assert code == 1 and out.startswith("INVALID") and "920 000" in out, out


async def signed_agreement(api, mailbox, database_url: str, tmp_path: Path) -> bytes:
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
        return await received_agreement(Harness(api, TelegramWorld(api), mailbox))


async def test_a_dkim_signature_is_checked_with_the_configured_key(
    api,
    mailbox,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await signed_agreement(api, mailbox, database_url, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)

    # Without the key, and without DNS: named as not checked, never as passed.
    code, out = await asyncio.to_thread(verify_bytes, raw, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    [line] = [line for line in out.splitlines()[1:] if "DKIM" in line]
    assert line.startswith("NOT CHECKED") and "DKIM_" in line, out
    assert "not checked" in out.splitlines()[0] and "DKIM" in out.splitlines()[0]

    monkeypatch.setenv("DKIM_DOMAIN", "agreements.test")
    monkeypatch.setenv("DKIM_SELECTOR", "mail")
    monkeypatch.setenv("DKIM_PRIVATE_KEY_FILE", str(tmp_path / "dkim-private.pem"))
    code, out = await asyncio.to_thread(verify_bytes, raw, tmp_path, capsys, "--no-dns")
    assert code == 0 and out.startswith("VALID"), out
    [line] = [line for line in out.splitlines()[1:] if "DKIM" in line]
    assert line.startswith("VALID") and "agreements.test" in line, out

    # A header the signature covers, changed: the text still matches, the signature not.
    message = message_from_bytes(raw, policy=policy.default)
    redated = raw.replace(
        f"Date: {message['Date']}".encode(), b"Date: Mon, 01 Jan 2024 09:00:00 +0000", 1
    )
    assert redated != raw
    code, out = await asyncio.to_thread(verify_bytes, redated, tmp_path, capsys, "--no-dns")
    assert code == 1 and out.startswith("INVALID"), out
    [line] = [line for line in out.splitlines()[1:] if "DKIM" in line]
    assert line.startswith("INVALID"), out

    # Re-encoded by a mail client: the text did not change, so neither does the verdict.
    code, out = await asyncio.to_thread(
        verify_bytes, reencoded(raw, "base64"), tmp_path, capsys, "--no-dns"
    )
    assert code == 0 and out.startswith("VALID"), out
    [line] = [line for line in out.splitlines()[1:] if "DKIM" in line]
    assert line.startswith("VALID") and "re-encoded" in line, out


async def test_verify_chain_names_a_stored_column_rewritten_past_the_triggers(
    harness: Harness,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob, group, offer, _card = await agreed_between(harness)
    bob.edits(offer, "We agreed on 120 000 for stage 1")
    alert = await harness.world.bot_reply(group)
    alice.presses(alert, "✅ Accept new version")
    bob.presses(alert, "✅ Accept new version")
    await harness.world.bot_reply(group, lambda m: "Amendment #1.1" in m.get("text", ""))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    code, out = await asyncio.to_thread(verify_chain_of, group.id, capsys)
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

    code, out = await asyncio.to_thread(verify_chain_of, group.id, capsys)
    assert code == 1 and out.startswith("INVALID"), out
    lines = [line for line in out.splitlines() if line.startswith("INVALID ")]
    for column in ("agreements.text", "amendments.text", "message_versions.text"):
        assert any(column in line and "950 000" in out for line in lines), out
    assert "each record hashes to its digest" in out  # the chain itself holds
