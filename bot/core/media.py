"""The file an agreed message carries: what it is, and what the record says of it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

# The public Bot API server hands bots files up to this size (getFile).
DOWNLOAD_LIMIT = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Media:
    kind: str  # photo, document, video, audio, voice, animation, video_note
    file_id: str  # for downloading; not recorded (it differs between bots)
    file_unique_id: str  # the same file for everyone: what tells a replaced file
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    album: str | None = None  # media_group_id: the message is one item of an album


@dataclass(frozen=True, slots=True)
class Download:
    """The file's bytes, or why there are none."""

    content: bytes | None
    problem: str | None = None


def describe(media: Media, download: Download | None) -> dict[str, Any]:
    """The media part of the record; the SHA-256 makes the file part of the digest."""
    content = download.content if download else None
    return {
        "kind": media.kind,
        "file_unique_id": media.file_unique_id,
        "file_name": media.file_name,
        "mime_type": media.mime_type,
        "size": len(content) if content is not None else media.size,
        "sha256": hashlib.sha256(content).hexdigest() if content is not None else None,
        "not_downloaded": download.problem if download and content is None else None,
        "album": media.album,
    }


def version_media(media: Media | None) -> dict[str, Any] | None:
    """What an edit's version records of the file (it is not downloaded again)."""
    if media is None:
        return None
    return {
        "kind": media.kind,
        "file_unique_id": media.file_unique_id,
        "file_name": media.file_name,
        "mime_type": media.mime_type,
        "size": media.size,
    }


def file_replaced(agreed: dict[str, Any] | None, latest: dict[str, Any] | None) -> bool:
    """Whether the latest version's file differs from the agreed one's (None: no file)."""
    return (agreed or {}).get("file_unique_id") != (latest or {}).get("file_unique_id")
