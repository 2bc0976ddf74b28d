"""One check of a saved mail or record, for ``python -m bot verify FILE`` and the verify page
alike: each calls ``check_saved`` and shows the verdict's lines its own way (the command
prints them in English, the page in the reader's language)."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import enum
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from asn1crypto import core

from bot.config import DkimSettings
from bot.core.phrases import N_, Phrase
from bot.evidence.records import RECORD_FORMATS
from bot.mail.entity_html import EntitiesToHtml
from bot.verify.dkim_check import NAME as DKIM
from bot.verify.dkim_check import DkimKey, check_dkim
from bot.verify.integrity import Evidence, check_stamp, read_evidence
from bot.verify.verdict import Verdict
from mailer.dkim_key import public_record

# The store check: the caller's, since the command opens the database and the page has it.
StoreCheck = Callable[[Evidence, Verdict], Awaitable[None]]
# Headers every mail client writes into a saved mail; a file with none of them is no mail.
_MAIL_HEADERS = ("from", "date", "message-id", "mime-version", "content-type", "subject")
_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class CheckSetup:
    """What the checks take from the settings, read by the caller; each ``*_problem`` says
    why a setting could not be used (the report notes it)."""

    entities_html: EntitiesToHtml  # the record's text as the mail's HTML shows it
    dkim_key: DkimKey | None = None
    dkim_problem: Phrase | None = None
    mail_from_domain: str | None = None
    mail_from_problem: Phrase | None = None
    trusted_roots: list[bytes] | None = None
    roots_problem: Phrase | None = None
    use_dns: bool = True


async def check_saved(
    content: bytes, setup: CheckSetup, store: StoreCheck, *, stamp: bytes | None = None
) -> Verdict:
    """Every check of a saved mail, or of a record file (with ``stamp``, its token)."""
    verdict = Verdict(needs_origin=True)  # anyone can make a mail that agrees with itself
    # Parsing a mail of megabytes takes a while: off the event loop (the page's bot runs there).
    evidence = await asyncio.to_thread(
        read_evidence, content, verdict, setup.entities_html, stamp=stamp
    )
    if evidence.mail is not None:  # an email, not a record file
        if setup.mail_from_problem is not None:
            verdict.note(setup.mail_from_problem)
        # dkimpy's DNS lookup blocks (up to its timeout): off the event loop.
        await asyncio.to_thread(
            check_dkim,
            content,
            verdict,
            setup.dkim_key,
            use_dns=setup.use_dns,
            unusable_key=setup.dkim_problem,
            mail_from_domain=setup.mail_from_domain,
            message=evidence.mail,
        )
        if not any(line.proves_origin and line.name == DKIM for line in verdict.lines):
            verdict.skip(
                "other text",
                N_(
                    "the rest of the mail's text is vouched for only by a signature of this "
                    "bot's domain"
                ),
            )
    if setup.roots_problem is not None:
        verdict.note(setup.roots_problem)
    check_stamp(evidence, verdict, setup.trusted_roots)
    await store(evidence, verdict)
    return verdict


def dkim_key_of(settings: DkimSettings) -> tuple[DkimKey | None, Phrase | None]:
    """The bot's DKIM key when DKIM_* are set, else why it can't be used."""
    if settings.dkim_private_key_file is None:
        return None, None
    assert settings.dkim_domain is not None and settings.dkim_selector is not None
    try:
        record = public_record(settings.dkim_private_key_file.read_bytes())
    except (OSError, ValueError) as exc:
        return None, unusable_dkim_key(exc)
    return DkimKey(settings.dkim_domain, settings.dkim_selector, record), None


def unusable_dkim_key(error: Exception) -> Phrase:
    return Phrase(N_("the DKIM_* key can't be used (%(error)s)"), {"error": str(error)})


class Saved(enum.StrEnum):
    """What an uploaded file is, by its content (its name is the sender's to choose)."""

    MAIL = "mail"
    RECORD = "record"
    TIMESTAMP = "timestamp"  # an RFC 3161 reply (.tsr)
    OTHER = "other"


def saved_kind(content: bytes) -> Saved:
    if content.lstrip()[:1] in (b"{", b"["):
        return Saved.RECORD if _is_record(content) else Saved.OTHER
    if _is_der(content):
        return Saved.TIMESTAMP
    head = content[:_HEAD_BYTES]  # the headers; the body may be megabytes
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    return Saved.MAIL if any(name in headers for name in _MAIL_HEADERS) else Saved.OTHER


def _is_record(content: bytes) -> bool:
    try:
        document = json.loads(content)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("format") in RECORD_FORMATS


def _is_der(content: bytes) -> bool:
    """One DER SEQUENCE of 128 bytes or more (a token is): no text file starts that way."""
    if content[:1] != b"\x30" or len(content) < 2 or content[1] < 0x80:
        return False
    try:
        core.load(content, strict=True)
    except ValueError:
        return False
    return True
