"""A user's evidence pack: one ZIP holding, for each agreement, its records (.json) and their
timestamps (.tsr), the user's own copies of the mails about it (.eml, byte for byte as
sent), a printable summary page and a README that says how to check each file with
``sha256sum`` and ``openssl ts -verify``.

The caller (the Mini App) has checked that the user may see these agreements; the mails are
still only the user's own.
"""

from __future__ import annotations

import asyncio
import gettext
import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.pack_contents import PackedAgreement, pack_contents
from bot.core.people import full_name, language_for
from bot.core.timefmt import format_both
from bot.db.models import User
from bot.mail.parts import stamp_filename
from bot.paths import LOCALES_DIR, TEMPLATES_DIR

# The pack's texts live with the web pages' (the Mini App hands the pack out).
GETTEXT_DOMAIN = "web"
CHECKSUMS = "SHA256SUMS"


async def build_pack(
    session: AsyncSession,
    user_id: int,
    agreement_ids: Sequence[int],
    language: str,
    zone: ZoneInfo,
) -> bytes:
    agreements = await pack_contents(session, user_id, agreement_ids)
    user = await session.get(User, user_id)
    made = datetime.now(UTC)
    context = {
        "agreements": agreements,
        "user_name": full_name(user.first_name, user.last_name) if user else "",
        "made": format_both(made, zone),
        "when": lambda moment: format_both(moment, zone),
        "mail_name": mail_name,
        "stamp_name": stamp_filename,
        "checksums": CHECKSUMS,
    }
    language = language_for(language)
    context["language"] = language
    environment = _environment(language)
    files = {
        "README.txt": environment.get_template("README.txt").render(context).encode(),
        "summary.html": environment.get_template("summary.html").render(context).encode(),
        CHECKSUMS: checksums(agreements).encode(),
    }
    for agreement in agreements:
        files |= _agreement_files(agreement)
    # Deflating megabytes of mail takes a while: off the event loop.
    return await asyncio.to_thread(_zipped, files, made)


def _agreement_files(agreement: PackedAgreement) -> dict[str, bytes]:
    folder = agreement.folder
    files = {}
    for record in agreement.records:
        files[f"{folder}/{record.file_name}"] = record.record
        if record.stamp is not None:
            files[f"{folder}/{stamp_filename(record.file_name)}"] = record.stamp.token
    for index, mail in enumerate(agreement.mails, 1):
        files[f"{folder}/mails/{mail_name(index, mail.kind, mail.about)}"] = mail.raw
    return files


def mail_name(index: int, kind: str, about: str) -> str:
    """``01-agreement-3.eml``, ``02-edit-alert-3.eml``, ``03-amendment-3.1.eml``: in the order
    they were sent, named for what they are."""
    return f"{index:02d}-{kind.replace('_', '-')}-{about}.eml"


def checksums(agreements: Sequence[PackedAgreement]) -> str:
    """``sha256sum -c`` input: each record with the digest the bot sealed (not one computed
    now), so that a record changed since fails."""
    return "".join(
        f"{record.digest}  {agreement.folder}/{record.file_name}\n"
        for agreement in agreements
        for record in agreement.records
    )


def _zipped(files: dict[str, bytes], made: datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = made.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # readable files when unpacked
            archive.writestr(entry, content)
    return buffer.getvalue()


@cache
def _environment(language: str) -> Environment:
    """One per language, so that packs in both languages can render at once."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR / "web" / "pack"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.policies["ext.i18n.trimmed"] = True
    translations: Any = gettext.translation(GETTEXT_DOMAIN, LOCALES_DIR, languages=[language])
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return environment
