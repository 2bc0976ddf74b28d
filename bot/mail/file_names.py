"""Names for an agreed file in its emails: the sender's, made harmless, or one made up."""

from __future__ import annotations

import mimetypes
import unicodedata
from typing import Any

from bot.mail.parts import RECORD_PREFIX

# Control, format (bidi marks and overrides, zero-width characters), line and paragraph
# separators, lone surrogates and unassigned code points: nothing a reader sees, yet they
# can reorder what follows (an "exe" shown as "pdf") or leave a name that is empty once
# they are gone.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
# Letters (and one symbol) that are drawn as nothing: Hangul fillers and the braille blank.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_KIND_EXTENSIONS = {"photo": ".jpg", "voice": ".ogg", "video_note": ".mp4"}


def clean_file_name(name: str | None) -> str | None:
    """The name without invisible characters, runs of whitespace, path separators, or
    leading dots and spaces (no hidden or relative names); None when nothing is left."""
    if not name:
        return None
    visible = "".join(
        " " if char.isspace() else char for char in name if char.isspace() or _shows(char)
    )
    cleaned = " ".join(visible.replace("/", "_").replace("\\", "_").split()).lstrip(". ")
    return cleaned or None


def file_name(media: dict[str, Any], chat_id: int, number: int) -> str:
    """The sender's name, cleaned; else (photos and voice messages have none, and some
    names are only spaces or controls) ``<kind>-<chat>-<N>.<extension>``."""
    cleaned = clean_file_name(media.get("file_name"))
    if cleaned is not None:
        return f"file-{cleaned}" if _looks_like_the_record(cleaned) else cleaned
    extension = mimetypes.guess_extension(media.get("mime_type") or "") or (
        _KIND_EXTENSIONS.get(media["kind"], "")
    )
    return f"{media['kind']}-{chat_id}-{number}{extension}"


def _shows(char: str) -> bool:
    return unicodedata.category(char) not in _INVISIBLE and char not in _BLANK_LETTERS


def _looks_like_the_record(name: str) -> bool:
    """Whether a reader could take the name for the record's (``Agreement-…``, or in full
    width letters): compared as NFKC, case folded."""
    return unicodedata.normalize("NFKC", name).casefold().startswith(RECORD_PREFIX)
