"""File downloads: GET {base}/file/bot{token}/{file_path}, as aiogram's bot.download asks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from .errors import ApiError, not_found
from .files import FileStore


@dataclass
class DownloadRecord:
    """One download request: the path asked for, the HTTP status answered, the file."""

    path: str
    status: int
    file_id: str | None = None


def error_response(error: ApiError) -> web.Response:
    payload = {"ok": False, "error_code": error.code, "description": error.description}
    return web.json_response(payload, status=error.code)


def serve_file(
    files: FileStore,
    token: str,
    path: str,
    check_token: Callable[[str], None],
) -> tuple[web.Response, DownloadRecord]:
    """The file's bytes, 401 for a wrong token, 404 for a path getFile never gave out."""
    try:
        check_token(token)
        stored = files.by_path(path)
        if stored is None:
            raise not_found()
    except ApiError as error:
        return error_response(error), DownloadRecord(path, error.code)
    stored.downloads += 1
    response = web.Response(body=stored.content, content_type="application/octet-stream")
    return response, DownloadRecord(path, 200, stored.file_id)
