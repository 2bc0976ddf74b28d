"""The invitation's two links, ``WEB_BASE_URL/i/<token>``: which one a token is, and whose.

Both purposes share the one path, so a token is read for each; one signed for anything
else (another purpose, a changed byte) is forged, and one out of date is expired.
"""

from __future__ import annotations

import enum
from datetime import datetime

from bot.core.signed_links import BadLink, LinkSigner


class Purpose(enum.StrEnum):
    CONFIRM = "confirm"
    REFUSE = "refuse"


def read_link(signer: LinkSigner, token: str, now: datetime) -> tuple[Purpose, int]:
    """The link's purpose and EmailParty id; BadLink (``expired`` when only its date is
    wrong) otherwise."""
    for purpose in Purpose:
        try:
            subject = signer.read(token, purpose.value, now)
        except BadLink as exc:
            if exc.expired:
                raise
            continue
        except (UnicodeDecodeError, ValueError):  # signed by us, yet not our layout
            raise BadLink from None
        if not subject.isdecimal() or len(subject) > 18:
            raise BadLink
        return purpose, int(subject)
    raise BadLink
