"""Pieces of a record's email beyond its text: the file, the forward, the timestamp."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.timefmt import format_utc
from bot.evidence.tsa_client import REPLY_TYPE as STAMP_TYPE
from bot.evidence.tsa_client import read_timestamp
from mailer import Attachment

RECORD_TYPE = "application/json"
# The record is attached as agreement-<chat>-<N>.json (an amendment's: -<N.k>.json).
RECORD_PREFIX = "agreement-"


@dataclass(frozen=True, slots=True)
class MediaView:
    kind: str  # photo, document, ...: the templates name it in the reader's language
    file_name: str
    size: str | None  # "1.2 MB"
    mime_type: str | None
    sha256: str | None
    attached: bool
    not_downloaded: str | None  # why the bot has no copy
    album: bool


@dataclass(frozen=True, slots=True)
class ForwardView:
    origin: str  # who wrote it first, as Telegram names them
    date_utc: str | None


@dataclass(frozen=True, slots=True)
class TimestampView:
    authority: str
    time_utc: str
    filename: str


def media_view(media: dict[str, Any] | None, name: str, attached: bool) -> MediaView | None:
    """``name``: the file's name in the emails (file_names.file_name)."""
    if media is None:
        return None
    return MediaView(
        kind=media["kind"],
        file_name=name,
        size=human_size(media["size"]) if media.get("size") is not None else None,
        mime_type=media.get("mime_type"),
        sha256=media.get("sha256"),
        attached=attached,
        not_downloaded=media.get("not_downloaded"),
        album=media.get("album") is not None,
    )


# The sender picks a document's MIME type and name: only a plain type is used, never one that
# the record's and timestamp's own attachments (or MIME structure itself) use.
_PLAIN_TYPE = re.compile(r"(application|image|audio|video|font|model)/[a-z0-9][a-z0-9.+-]{0,99}")
_RESERVED_TYPES = frozenset({RECORD_TYPE, STAMP_TYPE})


def file_attachment(media: dict[str, Any], name: str, content: bytes) -> Attachment:
    mime = (media.get("mime_type") or mimetypes.guess_type(name)[0] or "").lower()
    if not _PLAIN_TYPE.fullmatch(mime) or mime in _RESERVED_TYPES:
        mime = "application/octet-stream"
    return Attachment(name, content, mime)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def forward_view(origin: dict[str, Any] | None) -> ForwardView | None:
    if origin is None:
        return None
    name = origin.get("name") or "?"
    if origin.get("username"):
        name += f" (@{origin['username']})"
    date = origin.get("date")
    return ForwardView(
        origin=name, date_utc=format_utc(datetime.fromisoformat(date)) if date else None
    )


def record_filename(chat_id: int, number: int | str) -> str:
    """The record's attachment: ``number`` is the agreement's N, or an amendment's "N.k"."""
    return f"{RECORD_PREFIX}{chat_id}-{number}.json"


def confirmation_filename(chat_id: int, number: int, confirmation_id: int) -> str:
    """An email confirmation's record: ``email-confirmation-<chat>-<N>-<id>.json``."""
    return f"email-confirmation-{chat_id}-{number}-{confirmation_id}.json"


def stamp_filename(record_file: str) -> str:
    return record_file.removesuffix(".json") + ".tsr"


def timestamp_context(stamp: bytes | None, record: bytes, record_file: str) -> dict[str, Any]:
    if stamp is None:
        return {"timestamp": None}
    check = read_timestamp(stamp, record)
    return {
        "timestamp": TimestampView(
            authority=check.authority or "?",
            time_utc=format_utc(check.stamped_at) if check.stamped_at else "?",
            filename=stamp_filename(record_file),
        )
    }


def with_stamp(record: Attachment, stamp: bytes | None) -> tuple[Attachment, ...]:
    if stamp is None:
        return (record,)
    return (record, Attachment(stamp_filename(record.filename), stamp, STAMP_TYPE))
