"""Media objects (Document, PhotoSize list, Video, Audio, Voice, Sticker) as Telegram writes
them, each backed by a file the bot can getFile and download.

Key order follows telegram-bot-api: a file's own fields, then thumbnail (and its legacy
twin ``thumb``), then file_id, file_unique_id and file_size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from .files import FileStore

MEDIA_KINDS = ("photo", "document", "video", "audio", "voice")
PHOTO_SIDES = (90, 320, 800)  # the s, m and x sizes Telegram makes below the original
PLACEHOLDERS = {
    "photo": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 fake photo",
    "document": b"%PDF-1.7\n% fake document\n%%EOF\n",
    "video": b"\x00\x00\x00\x18ftypmp42 fake video",
    "audio": b"ID3\x04\x00 fake audio",
    "voice": b"OggS\x00 fake voice",
    "sticker": b"RIFF\x00\x00\x00\x00WEBPVP8 fake sticker",
}


def _derived(content: bytes, label: str, size: int) -> bytes:
    """Stand-in bytes for a smaller copy (thumbnail, downscaled photo) of ``content``."""
    seed = hashlib.sha256(content + label.encode()).digest()
    return (b"\xff\xd8\xff\xe0" + seed * (size // len(seed) + 1))[: max(size, 36)]


def _thumbnail(store: FileStore, content: bytes, width: int, height: int) -> dict[str, Any]:
    scale = 320 / max(width, height, 1)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    stored = store.add(_derived(content, "thumbnail", 8_000), kind="thumbnail")
    return {**stored.json(), "width": size[0], "height": size[1]}


def _with_thumbnail(data: dict[str, Any], thumbnail: dict[str, Any] | None) -> dict[str, Any]:
    if thumbnail is not None:
        data["thumbnail"] = thumbnail
        data["thumb"] = dict(thumbnail)  # the Bot API still sends the pre-6.6 name
    return data


def photo(
    store: FileStore, content: bytes, *, width: int = 1280, height: int = 960
) -> list[dict[str, Any]]:
    """PhotoSize list, smallest first; the last one (the original) holds ``content``."""
    sizes = []
    for side in PHOTO_SIDES:
        if side >= max(width, height):
            break
        scale = side / max(width, height)
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        area = w * h / (width * height)
        stored = store.add(_derived(content, f"{w}x{h}", int(len(content) * area)), kind="photo")
        sizes.append({**stored.json(), "width": w, "height": h})
    original = store.add(content, kind="photo")
    return [*sizes, {**original.json(), "width": width, "height": height}]


def document(
    store: FileStore,
    content: bytes,
    *,
    file_name: str | None = "offer.pdf",
    mime_type: str | None = "application/pdf",
    thumbnail: bool = False,
) -> dict[str, Any]:
    stored = store.add(content, kind="document", file_name=file_name)
    data: dict[str, Any] = {}
    if file_name:
        data["file_name"] = file_name
    if mime_type:
        data["mime_type"] = mime_type
    preview = _thumbnail(store, content, 595, 842) if thumbnail else None
    return {**_with_thumbnail(data, preview), **stored.json()}


def video(
    store: FileStore,
    content: bytes,
    *,
    file_name: str | None = "video.mp4",
    mime_type: str = "video/mp4",
    duration: int = 5,
    width: int = 1280,
    height: int = 720,
) -> dict[str, Any]:
    stored = store.add(content, kind="video", file_name=file_name)
    data: dict[str, Any] = {"duration": duration, "width": width, "height": height}
    if file_name:
        data["file_name"] = file_name
    data["mime_type"] = mime_type
    preview = _thumbnail(store, content, width, height)
    return {**_with_thumbnail(data, preview), **stored.json()}


def audio(
    store: FileStore,
    content: bytes,
    *,
    file_name: str | None = "audio.mp3",
    mime_type: str = "audio/mpeg",
    duration: int = 30,
    title: str | None = None,
    performer: str | None = None,
) -> dict[str, Any]:
    stored = store.add(content, kind="audio", file_name=file_name)
    data: dict[str, Any] = {"duration": duration}
    optional = {"file_name": file_name, "mime_type": mime_type, "title": title}
    data.update({key: value for key, value in optional.items() if value})
    if performer:
        data["performer"] = performer
    return {**data, **stored.json()}


def voice(
    store: FileStore, content: bytes, *, duration: int = 3, mime_type: str = "audio/ogg"
) -> dict[str, Any]:
    stored = store.add(content, kind="voice")
    return {"duration": duration, "mime_type": mime_type, **stored.json()}


def sticker(store: FileStore, emoji: str = "👍") -> dict[str, Any]:
    stored = store.add(PLACEHOLDERS["sticker"] + emoji.encode(), kind="sticker")
    data: dict[str, Any] = {
        "width": 512,
        "height": 512,
        "emoji": emoji,
        "set_name": "TestStickers",
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    return {**data, **stored.json()}


BUILDERS: dict[str, Callable[..., Any]] = {
    "photo": photo,
    "document": document,
    "video": video,
    "audio": audio,
    "voice": voice,
}


def media_body(
    store: FileStore, kind: str, content: bytes | None, **options: Any
) -> dict[str, Any]:
    """``{"document": {...}}``, ``{"photo": [...]}``, ...: the media part of a message."""
    if kind not in BUILDERS:
        raise ValueError(f"unknown media kind {kind!r}; known: {MEDIA_KINDS}")
    data = content if content is not None else PLACEHOLDERS[kind]
    return {kind: BUILDERS[kind](store, data, **options)}


def media_kind(message: dict[str, Any]) -> str | None:
    return next((kind for kind in MEDIA_KINDS if kind in message), None)
