"""The evidence pack after a real flow (mark, edit, amend, a file): unpacked, its records
checked with ``sha256sum -c`` and its timestamps with ``openssl ts -verify``, exactly as its
README says; its mails byte for byte what the mail server took, and only the user's own."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.pack import build_pack
from bot.db.models import Agreement, Mail, MailStatus
from tests.botapi import BotAPIServer
from tests.botapi.scenario import Person, TelegramWorld
from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox
from tests.support.mails import is_agreement, is_amendment, is_edit_alert
from tests.support.stories import agreed_between
from tests.support.tsa import LocalTsa

ZONE = ZoneInfo("Europe/Moscow")
OFFER_PDF = b"%PDF-1.4\n% stage 2 offer\n" + bytes(range(256)) * 64


@dataclass
class Story:
    alice: Person
    chat_ids: list[int]  # the chats Alice is in (her agreements)
    other_chat: int  # Carol and Dave's, where Alice is nobody


@pytest.fixture
async def story(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    tsa: LocalTsa,
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Story]:
    settings = bot_settings(api, mailbox, database_url, tsa_url=tsa.url)
    async with running_bot(settings, api):
        harness = Harness(api, TelegramWorld(api), mailbox)
        world = harness.world
        alice, bob, group, offer, _card = await agreed_between(harness)
        bob.edits(offer, "We agreed on 120 000 for stage 1")
        alert = await world.bot_reply(group)
        alice.presses(alert, "✅ Accept new version")
        bob.presses(alert, "✅ Accept new version")
        await mailbox.wait_for(to="alice@example.com", where=is_amendment)
        document = bob.sends_document(group, OFFER_PDF, caption="Stage 2: the offer attached")
        alice.says(group, "/agree", reply_to=document)
        await mailbox.wait_for(to="alice@example.com", count=2, where=is_agreement)

        carol, dave = world.user("Carol"), world.user("Dave")
        elsewhere = world.group("Elsewhere")
        await harness.register(carol, "carol@example.com")
        carol.says(elsewhere, "/agree", reply_to=dave.says(elsewhere, "Price 7"))
        await mailbox.wait_for(to="carol@example.com", where=is_agreement)
        await eventually(lambda: _all_sent(session_factory), what="every mail recorded sent")
        yield Story(alice, [group.id], elsewhere.id)


async def _all_sent(session_factory: async_sessionmaker[AsyncSession]) -> bool:
    async with session_factory() as session:
        pending = select(func.count()).select_from(Mail).where(Mail.status != MailStatus.SENT)
        return await session.scalar(pending) == 0


async def packed(
    session_factory: async_sessionmaker[AsyncSession],
    user_id: int,
    chat_ids: list[int],
    folder: Path,
    language: str = "en",
) -> Path:
    """The pack for these chats' agreements, unpacked into ``folder``."""
    async with session_factory() as session:
        ids = list(
            await session.scalars(select(Agreement.id).where(Agreement.chat_id.in_(chat_ids)))
        )
        content = await build_pack(session, user_id, ids, language, ZONE)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        archive.extractall(folder)
    return folder


def run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command.split(), cwd=folder, capture_output=True, text=True, check=False)


async def test_the_pack_checks_out_as_its_readme_says(
    story: Story,
    mailbox: Mailbox,
    tsa: LocalTsa,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    folder = await packed(session_factory, story.alice.id, story.chat_ids, tmp_path / "pack")
    shutil.copy(tsa.ca_certificate_path, folder / "tsa-root.pem")  # as the README asks
    readme = (folder / "README.txt").read_text()
    chat = story.chat_ids[0]
    names = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    assert names == sorted(
        [
            "README.txt",
            "SHA256SUMS",
            "summary.html",
            "tsa-root.pem",
            f"agreement-{chat}-1/agreement-{chat}-1.json",
            f"agreement-{chat}-1/agreement-{chat}-1.tsr",
            f"agreement-{chat}-1/agreement-{chat}-1.1.json",
            f"agreement-{chat}-1/agreement-{chat}-1.1.tsr",
            f"agreement-{chat}-1/mails/01-agreement-1.eml",
            f"agreement-{chat}-1/mails/02-edit-alert-1.eml",
            f"agreement-{chat}-1/mails/03-amendment-1.1.eml",
            f"agreement-{chat}-2/agreement-{chat}-2.json",
            f"agreement-{chat}-2/agreement-{chat}-2.tsr",
            f"agreement-{chat}-2/mails/01-agreement-2.eml",
        ]
    )

    # 1. sha256sum -c, as the README says: each record hashes to the digest the bot sealed.
    assert "    sha256sum -c SHA256SUMS\n" in readme
    checked = run("sha256sum -c SHA256SUMS", folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 3
    # 2. Every openssl command the README gives, run as written.
    commands = re.findall(r"^    (openssl ts -verify .*)$", readme, re.M)
    assert len(commands) == 3
    for command in commands:
        verified = run(command, folder)
        assert verified.returncode == 0 and "Verification: OK" in verified.stdout, verified

    # 3. The mails: Alice's own, each byte for byte what the mail server took.
    received = {mail.raw for mail in mailbox.to("alice@example.com")}
    copies = sorted(folder.rglob("*.eml"))
    assert len(copies) == 4
    for copy in copies:
        raw = copy.read_bytes()
        assert raw in received, copy.name
        assert message_from_bytes(raw, policy=policy.default)["To"] == "alice@example.com"
    [with_file] = [c for c in copies if c.parent.parent.name.endswith("-2")]
    attached = [
        part.get_payload(decode=True)
        for part in message_from_bytes(
            with_file.read_bytes(), policy=policy.default
        ).iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]
    assert attached == [OFFER_PDF]  # the file put back, as when it was sent
    kinds = [is_agreement, is_edit_alert, is_amendment]
    first = sorted(c for c in copies if c.parent.parent.name.endswith("-1"))
    assert [
        k(message_from_bytes(c.read_bytes(), policy=policy.default))
        for k, c in zip(kinds, first, strict=True)
    ] == [True] * 3

    # A record changed after the fact fails the check the README gives.
    record = folder / f"agreement-{chat}-1" / f"agreement-{chat}-1.json"
    record.write_bytes(record.read_bytes().replace(b"150 000", b"950 000"))
    assert run("sha256sum -c SHA256SUMS", folder).returncode != 0
    refused = run(commands[0], folder)
    assert "Verification: OK" not in refused.stdout

    summary = (folder / "summary.html").read_text()
    assert "We agreed on 150 000 for stage 1" in summary and "Amendment #1.1" in summary
    assert "Alice" in summary and "@example.com" not in summary
    assert "<script" not in summary and "http" not in summary.split("<body>")[0]


async def test_a_user_gets_no_one_elses_mails(
    story: Story,
    mailbox: Mailbox,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    # Even handed another chat's agreement (the caller checks access; this is a second wall).
    chats = [*story.chat_ids, story.other_chat]
    folder = await packed(session_factory, story.alice.id, chats, tmp_path / "pack")
    copies = list(folder.rglob("*.eml"))
    assert len(copies) == 4
    others = {
        mail.raw
        for address in ("bob@example.com", "carol@example.com")
        for mail in mailbox.to(address)
    }
    assert not others & {copy.read_bytes() for copy in copies}
    assert not list((folder / f"agreement-{story.other_chat}-1").glob("mails/*"))


async def test_the_pack_in_russian_and_mails_sent_before_copies_were_kept(
    story: Story,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    async with session_factory() as session, session.begin():
        # As a mail sent by an older version left it: bytes emptied at sending.
        await session.execute(
            update(Mail)
            .where(Mail.user_id == story.alice.id, Mail.kind == "edit_alert")
            .values(raw=b"", file_at=None)
        )
    folder = await packed(session_factory, story.alice.id, story.chat_ids, tmp_path / "ru", "ru")
    assert len(list(folder.rglob("*.eml"))) == 3
    readme = (folder / "README.txt").read_text()
    assert readme.startswith("ПАКЕТ ДОКАЗАТЕЛЬСТВ")
    assert "    sha256sum -c SHA256SUMS\n" in readme
    summary = (folder / "summary.html").read_text()
    assert '<html lang="ru">' in summary
    assert "1 письмо, отправленное вам до того, как бот стал хранить копии" in summary
