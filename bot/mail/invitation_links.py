"""The two links of an invitation mail: ``WEB_BASE_URL/i/<token>`` to confirm the
agreement, and the same to refuse it ("not me, don't write to me again"). Each token is
signed for one purpose and one invited address (bot/core/signed_links.py: the subject is
the EmailParty's id) and expires; the confirm pages read them back with the same key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.signed_links import LinkSigner

CONFIRM = "confirm"
REFUSE = "refuse"
PATH = "/i/"


@dataclass(frozen=True, slots=True)
class InvitationUrls:
    confirm: str
    refuse: str
    expires_at: datetime


class InvitationLinks:
    def __init__(self, signer: LinkSigner, web_base: str, valid_for: timedelta) -> None:
        """``web_base``: WEB_BASE_URL without its trailing slash."""
        self._signer = signer
        self._base = web_base + PATH
        self._valid_for = valid_for

    def for_party(self, email_party_id: int, now: datetime) -> InvitationUrls:
        expires_at = now + self._valid_for
        subject = str(email_party_id)
        return InvitationUrls(
            confirm=self._base + self._signer.sign(CONFIRM, subject, expires_at),
            refuse=self._base + self._signer.sign(REFUSE, subject, expires_at),
            expires_at=expires_at,
        )
