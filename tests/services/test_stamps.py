"""Trusted timestamps end to end below the chat: record, stamp, mail, verify."""

from __future__ import annotations

import asyncio
import email
import email.policy
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.marking import AgreementService, MarkRequest
from bot.db.models import Agreement, Mail, Timestamp
from bot.evidence.tsa_client import TimestampAuthority
from bot.mail.letters import Letters
from bot.mail.stamper import STAMP_WAIT, Stamper, release_held_mails
from bot.paths import PROJECT_ROOT
from bot.telegram.formatting import entities_to_html
from bot.verify.integrity import check_stamp, read_evidence
from bot.verify.verdict import Verdict
from tests.support.addresses import bind
from tests.support.clocks import FakeClock
from tests.support.people import ALICE, BOB, GROUP, said
from tests.support.tsa import LocalTsa, TsaKeys, make_tsa_keys, running_tsa
from tests.support.wakers import RecordingWaker


@pytest.fixture
def clock() -> FakeClock:
    # The authority's tokens carry the real time, and the stamper holds them to its clock.
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def stamper(session_factory, letters: Letters, clock: FakeClock, tsa: LocalTsa):
    # Rounds are run by hand here, as the background loop would run them.
    async with TimestampAuthority(tsa.url, timeout=5) as authority:
        yield Stamper(session_factory, authority, letters, RecordingWaker(), clock)


async def mark(session_factory, letters: Letters, clock: FakeClock) -> RecordingWaker:
    await bind(session_factory, ALICE, "alice@example.com", clock())
    await bind(session_factory, BOB, "bob@example.com", clock())
    waker = RecordingWaker()
    async with session_factory() as session:
        service = AgreementService(session, letters, RecordingWaker(), clock, stamper=waker)
        await service.mark(MarkRequest(GROUP, said(ALICE, "Price 150 000 EUR"), BOB))
    return waker


async def agreement_mails(factory: async_sessionmaker[AsyncSession]) -> list[EmailMessage]:
    async with factory() as session:
        raws = await session.scalars(select(Mail.raw).where(Mail.kind == "agreement"))
        parsed = [email.message_from_bytes(raw, policy=email.policy.default) for raw in raws]
    return [m for m in parsed if isinstance(m, EmailMessage)]


def attachment(message: EmailMessage, content_type: str) -> bytes:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == content_type]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


async def test_the_agreement_mails_wait_for_the_stamp_and_carry_it(
    session_factory, letters, clock, stamper: Stamper, tsa: LocalTsa, tmp_path: Path
) -> None:
    waker = await mark(session_factory, letters, clock)
    assert waker.wakes == 1  # the stamper was told
    assert await agreement_mails(session_factory) == []  # held for the stamp

    assert await stamper.stamp_pending() is False
    mails = await agreement_mails(session_factory)
    assert sorted(str(m["To"]) for m in mails) == ["alice@example.com", "bob@example.com"]
    for message in mails:
        record = attachment(message, "application/json")
        token = attachment(message, "application/timestamp-reply")
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "RFC 3161" in text and "Test TSA" in text
        # Anyone can check it with openssl, without this bot.
        (tmp_path / "record.json").write_bytes(record)
        (tmp_path / "stamp.tsr").write_bytes(token)
        checked = await asyncio.to_thread(
            subprocess.run,
            [
                *["openssl", "ts", "-verify", "-data", tmp_path / "record.json"],
                *["-in", tmp_path / "stamp.tsr", "-CAfile", tsa.ca_certificate_path],
            ],
            capture_output=True,
            text=True,
        )
        assert "Verification: OK" in checked.stdout, checked.stderr

        verdict = Verdict()
        check_stamp(
            read_evidence(message.as_bytes(), verdict, entities_to_html),
            verdict,
            [tsa.ca_certificate],
        )
        assert verdict.valid and not verdict.failed
        assert any("whose certificate TSA_CA_FILE trusts" in line for line in verdict.passed)


async def test_a_stamp_that_dates_another_record_is_invalid(
    session_factory, letters, clock, stamper: Stamper, tsa: LocalTsa
) -> None:
    await mark(session_factory, letters, clock)
    await stamper.stamp_pending()
    [message, _] = await agreement_mails(session_factory)
    async with TimestampAuthority(tsa.url) as other:
        foreign = await other.stamp(b"some other record")
    for part in message.iter_attachments():
        if part.get_content_type() == "application/timestamp-reply":
            name = part.get_filename()
            part.set_content(
                foreign, "application", "timestamp-reply", disposition="attachment", filename=name
            )
    verdict = Verdict()
    check_stamp(read_evidence(message.as_bytes(), verdict, entities_to_html), verdict, None)
    assert not verdict.valid
    assert "timestamp: the timestamp covers a different record" in verdict.failed


async def test_an_unreachable_authority_holds_the_mails_then_lets_them_go_without(
    session_factory, letters, clock: FakeClock, stamper: Stamper, tsa: LocalTsa
) -> None:
    tsa.refuse(503)
    await mark(session_factory, letters, clock)
    await stamper.stamp_pending()
    assert await agreement_mails(session_factory) == []
    async with session_factory() as session:
        [stamp] = (await session.scalars(select(Timestamp))).all()
    assert stamp.attempts == 1 and "HTTP 503" in (stamp.last_error or "")
    assert stamp.next_attempt_at > clock.now  # retried later, not in a tight loop

    clock.advance(seconds=STAMP_WAIT.total_seconds())
    await stamper.stamp_pending()
    mails = await agreement_mails(session_factory)
    assert len(mails) == 2
    assert all(
        p.get_content_type() != "application/timestamp-reply"
        for m in mails
        for p in m.iter_attachments()
    )
    async with session_factory() as session:
        [stamp] = (await session.scalars(select(Timestamp))).all()
        agreement = await session.scalar(select(Agreement))
    assert stamp.given_up_at is not None and stamp.token is None
    assert agreement is not None and stamp.agreement_id == agreement.id


async def test_without_an_authority_nothing_waits(session_factory, letters, clock) -> None:
    await bind(session_factory, ALICE, "alice@example.com", clock())
    async with session_factory() as session:
        service = AgreementService(session, letters, RecordingWaker(), clock)
        await service.mark(MarkRequest(GROUP, said(ALICE, "Price 150 000 EUR"), BOB))
        assert (await session.scalars(select(Timestamp))).all() == []
    assert len(await agreement_mails(session_factory)) == 1


async def test_a_token_from_an_authority_the_root_does_not_vouch_for_is_not_used(
    session_factory, letters, clock, tsa: LocalTsa, tmp_path: Path
) -> None:
    stranger = make_tsa_keys(tmp_path / "stranger", "Stranger TSA", rsa=False)
    await mark(session_factory, letters, clock)
    async with TimestampAuthority(tsa.url, timeout=5) as authority:
        stamper = Stamper(
            session_factory,
            authority,
            letters,
            RecordingWaker(),
            clock,
            roots=[stranger.ca_certificate.read_bytes()],
        )
        await stamper.stamp_pending()
    assert await agreement_mails(session_factory) == []  # still waiting for a good one
    async with session_factory() as session:
        [stamp] = (await session.scalars(select(Timestamp))).all()
    assert stamp.token is None and "unusable timestamp" in (stamp.last_error or "")


async def test_with_tsa_url_unset_the_held_mails_go_without_a_stamp(
    session_factory, letters, clock
) -> None:
    await mark(session_factory, letters, clock)
    assert await agreement_mails(session_factory) == []
    assert await release_held_mails(session_factory, letters, clock) == 1
    assert len(await agreement_mails(session_factory)) == 2
    assert await release_held_mails(session_factory, letters, clock) == 0


@pytest.mark.parametrize("minutes", [-11, -9, 9, 11])
async def test_a_token_is_used_only_within_ten_minutes_of_the_bots_clock(
    session_factory, letters, clock: FakeClock, stamper: Stamper, minutes: int
) -> None:
    # the bot's clock off by that much from the authority's (which tells the real time)
    clock.now = datetime.now(UTC) + timedelta(minutes=minutes)
    await mark(session_factory, letters, clock)
    await stamper.stamp_pending()
    async with session_factory() as session:
        [stamp] = (await session.scalars(select(Timestamp))).all()
    mails = await agreement_mails(session_factory)
    if abs(minutes) < 10:
        assert stamp.token is not None and len(mails) == 2
        return
    assert stamp.token is None and mails == []  # asked again later, then sent without
    assert "is not now" in (stamp.last_error or "")
    assert stamp.given_up_at is None and stamp.next_attempt_at > clock.now


@pytest.mark.parametrize(
    "reverse", [False, True], ids=["authority-then-root", "root-then-authority"]
)
async def test_a_token_with_an_unsorted_openssl_chain_is_stored_and_verifies(
    session_factory,
    database_url: str,
    letters,
    clock,
    tsa_keys: TsaKeys,
    tmp_path: Path,
    reverse: bool,
) -> None:
    chain = [tsa_keys.certificate, tsa_keys.ca_certificate]
    await mark(session_factory, letters, clock)
    async with (
        running_tsa(tmp_path, tsa_keys, certs=chain[::-1] if reverse else chain) as tsa,
        TimestampAuthority(tsa.url, timeout=5) as authority,
    ):
        roots = [tsa.ca_certificate]
        stamper = Stamper(
            session_factory, authority, letters, RecordingWaker(), clock, roots=roots
        )
        await stamper.stamp_pending()
    async with session_factory() as session:
        [stamp] = (await session.scalars(select(Timestamp))).all()
    assert stamp.token is not None, stamp.last_error
    [message, _] = await agreement_mails(session_factory)
    assert attachment(message, "application/timestamp-reply") == stamp.token  # as it came

    (tmp_path / "record.json").write_bytes(attachment(message, "application/json"))
    (tmp_path / "stamp.tsr").write_bytes(stamp.token)
    (tmp_path / "mail.eml").write_bytes(message.as_bytes())
    openssl = await asyncio.create_subprocess_exec(
        *["openssl", "ts", "-verify", "-data", str(tmp_path / "record.json")],
        *["-in", str(tmp_path / "stamp.tsr"), "-CAfile", str(tsa.ca_certificate_path)],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await openssl.communicate()
    assert b"Verification: OK" in output, output.decode()

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}
    env |= {"DATABASE_URL": database_url, "TSA_CA_FILE": str(tsa.ca_certificate_path)}
    verify = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "bot", "verify", str(tmp_path / "mail.eml")],
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    report = (await verify.communicate())[0].decode()
    assert verify.returncode == 0 and report.startswith("VALID"), report
    assert "whose certificate TSA_CA_FILE trusts" in report
