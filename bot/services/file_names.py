"""Names for an agreed file in its emails: the sender's, made harmless, or one made up."""

from __future__ import annotations

import mimetypes
import unicodedata
from typing import Any

# Control, format (bidi marks and overrides, zero-width characters), line and paragraph
# separators, and lone surrogates: nothing a reader sees, yet they can reorder what
# follows (an "exe" shown as "pdf") or leave a name that is empty once they are gone.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_KIND_EXTENSIONS = {"photo": ".jpg", "voice": ".ogg", "video_note": ".mp4"}


def clean_file_name(name: str | None) -> str | None:
    """The name without invisible characters, runs of whitespace, path separators, or
    leading dots and spaces (no hidden or relative names); None when nothing is left."""
    if not name:
        return None
    visible = "".join(
        " " if char.isspace() else char
        for char in name
        if unicodedata.category(char) not in _INVISIBLE or char.isspace()
    )
    cleaned = " ".join(visible.replace("/", "_").replace("\\", "_").split()).lstrip(". ")
    return cleaned or None


def file_name(media: dict[str, Any], chat_id: int, number: int) -> str:
    """The sender's name, cleaned; else (photos and voice messages have none, and some
    names are only spaces or controls) ``<kind>-<chat>-<N>.<extension>``."""
    cleaned = clean_file_name(media.get("file_name"))
    if cleaned is not None:
        # not one of the names the record and its timestamp are attached under
        return f"file-{cleaned}" if cleaned.startswith("agreement-") else cleaned
    extension = mimetypes.guess_extension(media.get("mime_type") or "") or (
        _KIND_EXTENSIONS.get(media["kind"], "")
    )
    return f"{media['kind']}-{chat_id}-{number}{extension}"
