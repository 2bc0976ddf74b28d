"""Files the fake Telegram stores: ids, the paths getFile hands out, and download counts."""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

MAX_DOWNLOAD_SIZE = 20 << 20  # bytes; telegram-bot-api's MAX_DOWNLOAD_FILE_SIZE


@dataclass(frozen=True)
class FileKind:
    """How Telegram names one kind of file: file_id prefix, download folder, extension."""

    id_prefix: str
    folder: str
    extension: str


KINDS = {
    "photo": FileKind("AgACAgIAAxkBAAI", "photos", ".jpg"),
    "document": FileKind("BQACAgIAAxkBAAI", "documents", ""),
    "video": FileKind("BAACAgIAAxkBAAI", "videos", ".mp4"),
    "audio": FileKind("CQACAgIAAxkBAAI", "music", ".mp3"),
    "voice": FileKind("AwACAgIAAxkBAAI", "voice", ".oga"),
    "sticker": FileKind("CAACAgIAAxkBAAI", "stickers", ".webp"),
    "thumbnail": FileKind("AAMCAgADGQEAAg", "thumbnails", ".jpg"),
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_size: int
    file_name: str | None = None
    file_path: str | None = None  # given out by the first getFile, like Telegram
    downloads: int = 0

    def json(self) -> dict[str, Any]:
        """The id fields every file object (Document, PhotoSize, ...) carries."""
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_size:
            data["file_size"] = self.file_size  # telegram-bot-api leaves out a zero size
        return data


def _token(*parts: object) -> str:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)
        self._path_numbers = itertools.count(0)

    def add(
        self,
        content: bytes,
        *,
        kind: str = "document",
        file_name: str | None = None,
        file_unique_id: str | None = None,
        file_size: int | None = None,
    ) -> StoredFile:
        """Registers a file; ``file_size`` may claim more than ``content`` (huge files)."""
        if kind not in KINDS:
            raise ValueError(f"unknown file kind {kind!r}; known: {sorted(KINDS)}")
        number = next(self._numbers)
        unique_prefix = "AQAD" if kind == "photo" else "AgAD"
        stored = StoredFile(
            file_id=KINDS[kind].id_prefix + _token("file", number)[:40],
            file_unique_id=file_unique_id or unique_prefix + _token("unique", number)[:12],
            kind=kind,
            content=bytes(content),
            file_size=len(content) if file_size is None else file_size,
            file_name=file_name,
        )
        self._by_id[stored.file_id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def path_of(self, stored: StoredFile) -> str:
        """``documents/file_3.pdf``: assigned once, when the bot first asks for the file."""
        if stored.file_path is None:
            kind = KINDS[stored.kind]
            extension = kind.extension
            if stored.file_name and PurePosixPath(stored.file_name).suffix:
                extension = PurePosixPath(stored.file_name).suffix.lower()
            stored.file_path = f"{kind.folder}/file_{next(self._path_numbers)}{extension}"
            self._by_path[stored.file_path] = stored
        return stored.file_path
