"""The link an edit alert gives a confirmed address: ``WEB_BASE_URL/a/<token>``, the page
where it accepts the new version. The token is signed for the purpose "accept" and names
the invitation (EmailParty) and the version (bot/core/signed_links.py: nothing stored, a
changed byte voids it), and expires as the invitation's links do."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.signed_links import BadLink, LinkSigner

PURPOSE = "accept"
PATH = "/a/"


class AcceptLinks:
    def __init__(self, signer: LinkSigner, web_base: str, valid_for: timedelta) -> None:
        """``web_base``: WEB_BASE_URL without its trailing slash."""
        self._signer = signer
        self._base = web_base + PATH
        self._valid_for = valid_for

    def expiry(self, now: datetime) -> datetime:
        return now + self._valid_for

    def url(self, email_party_id: int, version_id: int, now: datetime) -> str:
        subject = f"{email_party_id}:{version_id}"
        return self._base + self._signer.sign(PURPOSE, subject, self.expiry(now))


def read_accept_link(signer: LinkSigner, token: str, now: datetime) -> tuple[int, int]:
    """The (EmailParty id, version id) of a genuine, unexpired accept token; BadLink
    (``expired`` when only its date is wrong) for anything else."""
    try:
        subject = signer.read(token, PURPOSE, now)
    except BadLink:
        raise
    except (UnicodeDecodeError, ValueError):  # signed by us, yet not our layout
        raise BadLink from None
    party, _, version = subject.partition(":")
    if not all(part.isdecimal() and len(part) <= 18 for part in (party, version)):
        raise BadLink
    return int(party), int(version)
