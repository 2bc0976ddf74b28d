"""The fields of an attached record that ``verify`` compares with the mail, each checked
for its type: the attachment is the sender's to choose, so a record that lacks a field or
has one of the wrong type is a reason, never a traceback."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.core.phrases import N_, PhraseError
from bot.evidence.records import AMENDMENT_FORMAT, RECORD_FORMAT
from mailer.text import scrub_surrogates


class RecordError(PhraseError):
    """The record is not one this bot makes; the message says why."""


@dataclass(frozen=True, slots=True)
class Author:
    id: int
    name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class AgreedFile:
    media: dict[str, Any]  # as the record holds it, for file_names.file_name
    sha256: str | None
    size: int | None


@dataclass(frozen=True, slots=True)
class RecordView:
    format: str
    text: str
    entities: list[dict[str, Any]]
    chat_id: int
    number: str  # "3", or "3.1" for an amendment
    agreement_number: int  # the agreement's own number (the amendment's agreement)
    title: str | None = None  # agreements only
    author: Author | None = None  # agreements only
    file: AgreedFile | None = None  # agreements only

    @property
    def is_amendment(self) -> bool:
        return self.format == AMENDMENT_FORMAT


def read_record(record: bytes) -> RecordView:
    try:
        document = json.loads(record)
    except ValueError:
        raise RecordError(N_("the attached record is not JSON")) from None
    fmt = _field(document, "format", str)
    if fmt not in {RECORD_FORMAT, AMENDMENT_FORMAT}:
        raise RecordError(
            N_("a record of format %(format)r, which this version can't read"), format=fmt
        )
    message = _field(document, "message", dict)
    common = {
        "format": fmt,
        "text": scrub_surrogates(_field(message, "text", str, "message.text")),
        "entities": _field(message, "entities", list, "message.entities", default=[]),
    }
    if fmt == AMENDMENT_FORMAT:
        agreement = _field(document, "agreement", dict)
        return RecordView(
            **common,
            chat_id=_field(agreement, "chat_id", int, "agreement.chat_id"),
            number=_field(document, "number", str),
            agreement_number=_field(agreement, "number", int, "agreement.number"),
        )
    author = _field(document, "author", dict)
    media = _field(message, "media", dict, "message.media", default=None)
    number = _field(document, "number", int)
    return RecordView(
        **common,
        chat_id=_field(_field(document, "chat", dict), "id", int, "chat.id"),
        number=str(number),
        agreement_number=number,
        title=_field(document, "title", str, default=None),
        author=Author(
            _field(author, "id", int, "author.id"),
            _field(author, "name", str, "author.name"),
            _field(author, "username", str, "author.username", default=None),
        ),
        file=_file(media) if media is not None else None,
    )


def _file(media: dict[str, Any]) -> AgreedFile:
    _field(media, "kind", str, "message.media.kind")
    for name in ("file_name", "mime_type"):
        _field(media, name, str, f"message.media.{name}", default=None)
    return AgreedFile(
        media,
        _field(media, "sha256", str, "message.media.sha256", default=None),
        _field(media, "size", int, "message.media.size", default=None),
    )


_MISSING = object()


def _field(
    document: Any, key: str, kind: type, path: str | None = None, default: Any = _MISSING
) -> Any:
    """``document[key]`` if it is a ``kind``; ``default`` when absent or null, if given."""
    value = document.get(key) if isinstance(document, dict) else None
    if value is None and default is not _MISSING:
        return default
    # bool is an int to Python, never to a record
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordError(
            N_("the attached record's %(field)s is not a %(kind)s"),
            field=path or key,
            kind=kind.__name__,
        )
    return value
