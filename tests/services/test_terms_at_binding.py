"""Binding an address accepts the signing terms only as the person was told: the version
their code's request named, in their language, once."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.core.people import Person
from bot.db.models import EmailVerification, TermsAcceptance
from bot.registration.service import Verification
from tests.support.outbox import code_sent_to
from tests.support.terms import shipped_digest

ALICE = Person(id=101, first_name="Alice", language_code="ru")


async def accepted(session_factory) -> list[tuple[int | None, str | None, str, str]]:
    async with session_factory() as session:
        rows = await session.scalars(select(TermsAcceptance).order_by(TermsAcceptance.id))
        return [(r.user_id, r.address, r.language, r.sha256) for r in rows]


async def test_the_code_accepts_the_version_its_request_named(
    registration, session_factory
) -> None:
    asked = await registration().request_code(ALICE, "alice@example.com")
    assert asked.terms is not None and asked.terms.version == 1
    code = await code_sent_to(session_factory, "alice@example.com")
    verified = await registration().verify(ALICE, code)
    assert verified.outcome is Verification.VERIFIED and verified.terms == asked.terms
    assert await accepted(session_factory) == [
        (ALICE.id, "alice@example.com", "ru", shipped_digest("ru"))
    ]
    assert (await registration().status(ALICE.id)).terms_accepted


async def test_a_code_asked_for_without_the_notice_accepts_nothing(
    registration, session_factory
) -> None:
    """A code asked for before the bot spoke of terms (or of this version): its /verify
    binds the address and accepts nothing the person wasn't told of."""
    await registration().request_code(ALICE, "alice@example.com")
    code = await code_sent_to(session_factory, "alice@example.com")
    async with session_factory() as session:
        await session.execute(update(EmailVerification).values(terms_version=None))
        await session.commit()
    verified = await registration().verify(ALICE, code)
    assert verified.outcome is Verification.VERIFIED and verified.terms is None
    assert await accepted(session_factory) == []
    assert not (await registration().status(ALICE.id)).terms_accepted
