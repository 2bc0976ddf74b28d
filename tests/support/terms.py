"""The signing terms as the tests check them: the shipped files' digests, computed here
from the bytes (not by the bot's code), and the acceptances the bot stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from bot.db.models import TermsAcceptance
from tests.support.stored import session_on

TERMS = Path(__file__).resolve().parents[2] / "terms"


def shipped_digest(language: str, version: int = 1) -> str:
    return hashlib.sha256((TERMS / f"v{version}.{language}.txt").read_bytes()).hexdigest()


async def acceptances(database_url: str) -> list[TermsAcceptance]:
    """Every stored acceptance, oldest first."""
    async with session_on(database_url) as session:
        rows = await session.scalars(select(TermsAcceptance).order_by(TermsAcceptance.id))
        return list(rows)
