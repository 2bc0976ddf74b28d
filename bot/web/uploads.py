"""Files posted with a plain HTML form (multipart/form-data), read into memory within a limit.

aiohttp's ``client_max_size`` covers only ``request.post()`` and ``read()``, and in webhook
mode the application is the webhook's: the parts are read here, chunk by chunk, counting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from aiohttp import BodyPartReader, web

CHUNK_BYTES = 256 * 1024
# A form's own bytes beyond its files: boundaries, part headers, a file name.
FORM_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # as the browser sent it: shown back to the sender only
    content: bytes


class UploadRefused(Exception):
    """Why the upload was not read: "too_large", "too_many", "not_a_form", "busy" or
    "too_slow"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MemoryBudget:
    """Bytes of uploads held at once across all requests: each reserves its declared length
    (or the limit, when it declares none) before its body is read, so that many large
    uploads at once are refused rather than held."""

    def __init__(self, total: int) -> None:
        self._total = total
        self._reserved = 0

    @contextlib.contextmanager
    def reserve(self, size: int) -> Iterator[None]:
        if self._reserved + size > self._total:
            raise UploadRefused("busy")
        self._reserved += size
        try:
            yield
        finally:
            self._reserved -= size


async def read_files(request: web.Request, limit: int, most: int) -> list[Upload]:
    """The files of a form post, at most ``most`` of them and ``limit`` bytes together;
    file fields left empty are skipped, other fields ignored."""
    if request.content_type != "multipart/form-data":
        raise UploadRefused("not_a_form")
    declared = request.content_length
    if declared is not None and declared > limit + FORM_OVERHEAD_BYTES:
        raise UploadRefused("too_large")  # said before a byte of it is read
    try:
        reader = await request.multipart()
    except (ValueError, KeyError):
        raise UploadRefused("not_a_form") from None
    files: list[Upload] = []
    total = 0
    try:
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.filename is None:
                continue  # a nested multipart, or a field that is no file
            content = bytearray()
            while chunk := await part.read_chunk(CHUNK_BYTES):
                total += len(chunk)
                if total > limit:
                    raise UploadRefused("too_large")
                content += chunk
            if not content:
                continue  # a file input left empty
            files.append(Upload(part.filename, bytes(content)))
            if len(files) > most:
                raise UploadRefused("too_many")
    except ValueError:  # a body that breaks off, or boundaries that don't match
        raise UploadRefused("not_a_form") from None
    return files
